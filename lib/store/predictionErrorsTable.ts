import type { Pool } from 'pg';

/** A prediction request that failed on the server (the model could not load or predict). */
export interface FailedPrediction {
  model: string;
  version: number;
  alias: string | null;
  requestId: string;
  instances: number;
  message: string;
}

/** The prediction_errors table: the only code that runs SQL on it. */
export async function recordFailedPrediction(pool: Pool, failure: FailedPrediction): Promise<void> {
  await pool.query('INSERT INTO prediction_errors (model, version, alias, request_id, instances, message) VALUES ($1, $2, $3, $4, $5, $6)', [
    failure.model,
    failure.version,
    failure.alias,
    failure.requestId,
    failure.instances,
    failure.message.slice(0, 2_000),
  ]);
}

/** How many requests to a version under an alias failed since a time. */
export async function failedSince(pool: Pool, request: { model: string; version: number; alias: string; since: Date }): Promise<number> {
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM prediction_errors WHERE model = $1 AND version = $2 AND alias = $3 AND failed_at >= $4', [
    request.model,
    request.version,
    request.alias,
    request.since,
  ]);
  return Number(rows[0]?.n ?? 0);
}
