import type { Pool } from 'pg';
import type { PendingStepLogLine, StepLogLine } from '../logs/stepLogLine';
import { withTransaction } from './withTransaction';

/**
 * The step_logs table: the only code that runs SQL on it. Appends a step's lines and keeps at most
 * `maxLines` of that step, deleting the oldest and counting them in step_log_trims, in one transaction.
 */
export async function appendStepLogs(pool: Pool, entry: { runId: string; step: string; lines: PendingStepLogLine[]; maxLines: number }): Promise<void> {
  const { runId, step, lines, maxLines } = entry;
  if (lines.length === 0) return;
  await withTransaction(pool, async (client) => {
    await client.query(
      `INSERT INTO step_logs (run_id, step, attempt, at, level, message, fields)
       SELECT $1, $2, l.attempt, l.at, l.level, l.message, l.fields
         FROM jsonb_to_recordset($3::jsonb) AS l(attempt integer, at timestamptz, level text, message text, fields jsonb)`,
      [runId, step, JSON.stringify(lines)],
    );
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM step_logs WHERE run_id = $1 AND step = $2', [runId, step]);
    const excess = Number(rows[0]?.n ?? 0) - maxLines;
    if (excess <= 0) return;
    await client.query('DELETE FROM step_logs WHERE id IN (SELECT id FROM step_logs WHERE run_id = $1 AND step = $2 ORDER BY id LIMIT $3)', [runId, step, excess]);
    await client.query(
      `INSERT INTO step_log_trims (run_id, step, trimmed) VALUES ($1, $2, $3)
       ON CONFLICT (run_id, step) DO UPDATE SET trimmed = step_log_trims.trimmed + EXCLUDED.trimmed`,
      [runId, step, excess],
    );
  });
}

/** A run's lines (of one step, or of all), oldest first, after the line `afterId`; with how many older lines each step lost to trimming. */
export async function readStepLogs(pool: Pool, query: { runId: string; step?: string; afterId: number; limit: number }): Promise<{ lines: StepLogLine[]; trimmed: Record<string, number> }> {
  const { runId, step, afterId, limit } = query;
  const { rows } = await pool.query<{ id: string; step: string; attempt: number; at: Date; level: StepLogLine['level']; message: string; fields: StepLogLine['fields'] }>(
    `SELECT id, step, attempt, at, level, message, fields FROM step_logs
      WHERE run_id = $1 AND ($2::text IS NULL OR step = $2) AND id > $3
      ORDER BY id LIMIT $4`,
    [runId, step ?? null, afterId, limit],
  );
  const trims = await pool.query<{ step: string; trimmed: string }>('SELECT step, trimmed FROM step_log_trims WHERE run_id = $1 AND ($2::text IS NULL OR step = $2)', [runId, step ?? null]);
  return {
    lines: rows.map((r) => ({ id: Number(r.id), step: r.step, attempt: r.attempt, at: r.at.toISOString(), level: r.level, message: r.message, fields: r.fields })),
    trimmed: Object.fromEntries(trims.rows.map((t) => [t.step, Number(t.trimmed)])),
  };
}
