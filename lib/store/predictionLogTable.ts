import type { Pool } from 'pg';

/** One served prediction as the log stores it (features are only those the model reads). */
export interface LoggedPrediction {
  model: string;
  version: number;
  alias: string | null;
  requestId: string;
  item: number;
  features: Record<string, unknown>;
  prediction: string | number;
  predictedAt: Date;
  /** The request's server time (the same for every instance of a batch); absent in rows logged before it was kept. */
  latencyMs?: number;
}

/**
 * The prediction_log table: the only code that runs SQL on it. A batch is written as one JSON
 * document: a single JSON.stringify is several times cheaper for this process than pg's escaping of
 * eight parallel arrays, and PostgreSQL unpacks it on its own core. A row logged twice (a journal
 * replay) is kept once.
 */
export async function insertPredictions(pool: Pool, batch: readonly LoggedPrediction[]): Promise<void> {
  await pool.query(
    `INSERT INTO prediction_log (model, version, alias, request_id, item, features, prediction, predicted_at, latency_ms)
     SELECT model, version, alias, "requestId", item, features, prediction, "predictedAt", "latencyMs"
       FROM jsonb_to_recordset($1::jsonb) AS x(model text, version int, alias text, "requestId" text, item int, features jsonb, prediction jsonb, "predictedAt" timestamptz, "latencyMs" real)
     ON CONFLICT (model, request_id, item) DO NOTHING`,
    [JSON.stringify(batch)],
  );
}

/** The (requestId, item) pairs among these that the log holds for the model. */
export async function loggedPairs(pool: Pool, model: string, pairs: readonly { requestId: string; item: number }[]): Promise<{ requestId: string; item: number }[]> {
  const { rows } = await pool.query<{ request_id: string; item: number }>(
    `SELECT request_id, item FROM prediction_log WHERE model = $1 AND (request_id, item) IN (SELECT * FROM unnest($2::text[], $3::int[]))`,
    [model, pairs.map((p) => p.requestId), pairs.map((p) => p.item)],
  );
  return rows.map((r) => ({ requestId: r.request_id, item: r.item }));
}

/** What a model served in a window, newest first, at most maxRows, with the true label where feedback gave one. */
export async function servedInWindow(
  pool: Pool,
  request: { model: string; from: Date; to: Date; maxRows: number },
): Promise<{ features: Record<string, unknown>; prediction: string | number; label: string | number | null }[]> {
  const { rows } = await pool.query<{ features: Record<string, unknown>; prediction: string | number; label: string | number | null }>(
    `SELECT l.features, l.prediction, f.label FROM prediction_log l
       LEFT JOIN prediction_feedback f ON f.model = l.model AND f.request_id = l.request_id AND f.item = l.item
      WHERE l.model = $1 AND l.predicted_at >= $2 AND l.predicted_at <= $3
      ORDER BY l.predicted_at DESC LIMIT $4`,
    [request.model, request.from, request.to, request.maxRows],
  );
  return rows;
}

/** A served prediction whose true label came back as feedback. */
export interface LabelledPrediction {
  /** The prediction_log row. */
  id: number;
  features: Record<string, unknown>;
  label: string | number;
  predictedAt: Date;
}

/** The model's predictions in a window that feedback labelled, newest first, at most `limit`. */
export async function labelledInWindow(pool: Pool, request: { model: string; from: Date; to: Date; limit: number }): Promise<LabelledPrediction[]> {
  const { rows } = await pool.query<{ id: string; features: Record<string, unknown>; label: string | number; predicted_at: Date }>(
    `SELECT l.id, l.features, f.label, l.predicted_at FROM prediction_log l
       JOIN prediction_feedback f ON f.model = l.model AND f.request_id = l.request_id AND f.item = l.item
      WHERE l.model = $1 AND l.predicted_at >= $2 AND l.predicted_at <= $3
      ORDER BY l.predicted_at DESC, l.id DESC LIMIT $4`,
    [request.model, request.from, request.to, request.limit],
  );
  return rows.map((r) => ({ id: Number(r.id), features: r.features, label: r.label, predictedAt: r.predicted_at }));
}

/** How many of the model's predictions in a window feedback labelled. */
export async function countLabelled(pool: Pool, request: { model: string; from: Date; to: Date }): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM prediction_log l
       JOIN prediction_feedback f ON f.model = l.model AND f.request_id = l.request_id AND f.item = l.item
      WHERE l.model = $1 AND l.predicted_at >= $2 AND l.predicted_at <= $3`,
    [request.model, request.from, request.to],
  );
  return Number(rows[0]?.n ?? 0);
}

/** What a version served under an alias since a time: its requests' server times, its predictions and the labelled ones (newest `limit` rows). */
export async function servedSince(
  pool: Pool,
  request: { model: string; version: number; alias: string; since: Date; limit: number },
): Promise<{ requests: number; latenciesMs: number[]; predictions: (string | number)[]; labelled: { prediction: string | number; label: string | number }[] }> {
  const { rows } = await pool.query<{ request_id: string; prediction: string | number; label: string | number | null; latency_ms: number | null }>(
    `SELECT l.request_id, l.prediction, f.label, l.latency_ms FROM prediction_log l
       LEFT JOIN prediction_feedback f ON f.model = l.model AND f.request_id = l.request_id AND f.item = l.item
      WHERE l.model = $1 AND l.version = $2 AND l.alias = $3 AND l.predicted_at >= $4
      ORDER BY l.predicted_at DESC LIMIT $5`,
    [request.model, request.version, request.alias, request.since, request.limit],
  );
  const latency = new Map<string, number | null>();
  for (const row of rows) latency.set(row.request_id, row.latency_ms);
  return {
    requests: latency.size,
    latenciesMs: [...latency.values()].filter((ms): ms is number => ms !== null),
    predictions: rows.map((r) => r.prediction),
    labelled: rows.filter((r) => r.label !== null).map((r) => ({ prediction: r.prediction, label: r.label as string | number })),
  };
}

/** One bucket of a model's traffic: predictions served, how many got a label back, and how those labelled ones fared. */
export interface TrafficBucket {
  start: string;
  predictions: number;
  labelled: number;
  /** Labelled predictions equal to their label (classification). */
  correct: number;
  /** Mean |prediction - label| over labelled numeric predictions (regression); null when none. */
  meanAbsoluteError: number | null;
}

/** A model's predictions per hour or day since a time, with the feedback on them, oldest first. */
export async function trafficOverTime(pool: Pool, request: { model: string; since: Date; bucket: 'hour' | 'day' }): Promise<TrafficBucket[]> {
  const { rows } = await pool.query<{ start: Date; predictions: string; labelled: string; correct: string; mae: number | null }>(
    `SELECT date_trunc($3, l.predicted_at) AS start, count(*) AS predictions, count(f.label) AS labelled,
            count(*) FILTER (WHERE f.label = l.prediction) AS correct,
            avg(abs((f.label #>> '{}')::float8 - (l.prediction #>> '{}')::float8))
              FILTER (WHERE jsonb_typeof(f.label) = 'number' AND jsonb_typeof(l.prediction) = 'number') AS mae
       FROM prediction_log l
       LEFT JOIN prediction_feedback f ON f.model = l.model AND f.request_id = l.request_id AND f.item = l.item
      WHERE l.model = $1 AND l.predicted_at >= $2
      GROUP BY 1 ORDER BY 1`,
    [request.model, request.since, request.bucket],
  );
  return rows.map((r) => ({
    start: r.start.toISOString(),
    predictions: Number(r.predictions),
    labelled: Number(r.labelled),
    correct: Number(r.correct),
    meanAbsoluteError: r.mae === null ? null : Number(r.mae),
  }));
}
