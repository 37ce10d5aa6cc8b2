import type { Pool } from 'pg';
import { loggedPairs } from '../store/predictionLogTable';

export interface FeedbackItem {
  requestId: string;
  item: number;
  label: string | number;
}

/** The (requestId, item) pairs of `items` that match no logged prediction of the model. */
export async function unknownPredictions(pool: Pool, model: string, items: FeedbackItem[]): Promise<FeedbackItem[]> {
  const known = new Set((await loggedPairs(pool, model, items)).map((p) => `${p.requestId}\u0000${p.item}`));
  return items.filter((i) => !known.has(`${i.requestId}\u0000${i.item}`));
}

/** Records true labels (this module is the only code running SQL on prediction_feedback); a second label for the same prediction replaces the first. */
export async function recordFeedback(pool: Pool, model: string, items: FeedbackItem[]): Promise<number> {
  const { rowCount } = await pool.query(
    `INSERT INTO prediction_feedback (model, request_id, item, label)
     SELECT $1, * FROM unnest($2::text[], $3::int[], $4::jsonb[])
     ON CONFLICT (model, request_id, item) DO UPDATE SET label = EXCLUDED.label, recorded_at = now()`,
    [model, items.map((i) => i.requestId), items.map((i) => i.item), items.map((i) => JSON.stringify(i.label))],
  );
  return rowCount ?? 0;
}
