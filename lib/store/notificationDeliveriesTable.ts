import type { Pool } from 'pg';

export interface NotificationDelivery {
  eventId: string;
  target: string;
  kind: string;
  runId: string | null;
  /** delivering: not yet accepted (attempts so far, the last answer); delivered; refused: a 4xx, not retried. */
  state: 'delivering' | 'delivered' | 'refused';
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  updatedAt: string;
  deliveredAt: string | null;
}

/** The notification_deliveries table: the only code that runs SQL on it. Records one attempt's outcome. */
export async function recordDeliveryAttempt(
  pool: Pool,
  attempt: { eventId: string; target: string; kind: string; runId: string | null; state: NotificationDelivery['state']; attempt: number; status: number | null; error: string | null },
): Promise<void> {
  await pool.query(
    `INSERT INTO notification_deliveries (event_id, target, kind, run_id, state, attempts, last_status, last_error, delivered_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $5 = 'delivered' THEN now() END)
     ON CONFLICT (event_id, target) DO UPDATE SET
       state = CASE WHEN notification_deliveries.state = 'delivered' THEN 'delivered' ELSE EXCLUDED.state END,
       attempts = greatest(notification_deliveries.attempts, EXCLUDED.attempts),
       last_status = EXCLUDED.last_status, last_error = EXCLUDED.last_error, updated_at = now(),
       delivered_at = coalesce(notification_deliveries.delivered_at, EXCLUDED.delivered_at)`,
    [attempt.eventId, attempt.target, attempt.kind, attempt.runId, attempt.state, attempt.attempt, attempt.status, attempt.error],
  );
}

/** A run's deliveries, oldest first. */
export async function runDeliveries(pool: Pool, runId: string): Promise<NotificationDelivery[]> {
  const { rows } = await pool.query<{ event_id: string; target: string; kind: string; run_id: string | null; state: NotificationDelivery['state']; attempts: number; last_status: number | null; last_error: string | null; updated_at: Date; delivered_at: Date | null }>(
    'SELECT * FROM notification_deliveries WHERE run_id = $1 ORDER BY updated_at, event_id, target',
    [runId],
  );
  return rows.map((r) => ({
    eventId: r.event_id,
    target: r.target,
    kind: r.kind,
    runId: r.run_id,
    state: r.state,
    attempts: r.attempts,
    lastStatus: r.last_status,
    lastError: r.last_error,
    updatedAt: r.updated_at.toISOString(),
    deliveredAt: r.delivered_at?.toISOString() ?? null,
  }));
}
