import type { Pool } from 'pg';
import { z } from 'zod';

/** What a shadow version answered for a served request's instance (never sent to the client). */
export interface ShadowPrediction {
  model: string;
  version: number;
  requestId: string;
  item: number;
  prediction: string | number;
  latencyMs: number;
  predictedAt: Date;
}

/** The shadow_predictions table: the only code that runs SQL on it. A row written twice is kept once. */
export async function insertShadowPredictions(pool: Pool, batch: readonly ShadowPrediction[]): Promise<void> {
  await pool.query(
    `INSERT INTO shadow_predictions (model, version, request_id, item, prediction, latency_ms, predicted_at)
     SELECT model, version, "requestId", item, prediction, "latencyMs", "predictedAt"
       FROM jsonb_to_recordset($1::jsonb) AS x(model text, version int, "requestId" text, item int, prediction jsonb, "latencyMs" real, "predictedAt" timestamptz)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(batch)],
  );
}

/** A shadow version against production on the same instances. */
export const ShadowSummarySchema = z.object({
  version: z.number().int(),
  /** Instances the shadow predicted, and how many of those production's answer is logged for. */
  predictions: z.number().int(),
  compared: z.number().int(),
  /** Share of compared instances where the shadow gave production's answer. */
  agreement: z.number().nullable(),
  /** Over the instances labelled by feedback: each side's accuracy (classification) or mean absolute error (regression). */
  labelled: z.number().int(),
  shadowAccuracy: z.number().nullable(),
  productionAccuracy: z.number().nullable(),
  shadowMeanAbsoluteError: z.number().nullable(),
  productionMeanAbsoluteError: z.number().nullable(),
  /** Geometric mean of the shadow's time to predict a request. */
  shadowLatencyMs: z.number().nullable(),
  firstAt: z.string(),
  lastAt: z.string(),
});
export type ShadowSummary = z.infer<typeof ShadowSummarySchema>;

/** Each shadow version of a model, compared with what production answered for the same instances. */
export async function shadowSummaries(pool: Pool, model: string): Promise<ShadowSummary[]> {
  const { rows } = await pool.query<{
    version: number;
    predictions: string;
    compared: string;
    agreed: string;
    labelled: string;
    shadow_right: string;
    production_right: string;
    shadow_error: number | null;
    production_error: number | null;
    latency: number | null;
    first_at: Date;
    last_at: Date;
  }>(
    `SELECT s.version, count(*) AS predictions, count(l.prediction) AS compared,
            count(*) FILTER (WHERE s.prediction = l.prediction) AS agreed,
            count(f.label) AS labelled,
            count(*) FILTER (WHERE f.label IS NOT NULL AND s.prediction #>> '{}' = f.label #>> '{}') AS shadow_right,
            count(*) FILTER (WHERE f.label IS NOT NULL AND l.prediction #>> '{}' = f.label #>> '{}') AS production_right,
            avg(abs((s.prediction #>> '{}')::double precision - (f.label #>> '{}')::double precision)) FILTER (WHERE jsonb_typeof(s.prediction) = 'number' AND jsonb_typeof(f.label) = 'number') AS shadow_error,
            avg(abs((l.prediction #>> '{}')::double precision - (f.label #>> '{}')::double precision)) FILTER (WHERE jsonb_typeof(l.prediction) = 'number' AND jsonb_typeof(f.label) = 'number') AS production_error,
            exp(avg(ln(s.latency_ms)) FILTER (WHERE s.latency_ms > 0)) AS latency,
            min(s.predicted_at) AS first_at, max(s.predicted_at) AS last_at
       FROM shadow_predictions s
       LEFT JOIN prediction_log l ON l.model = s.model AND l.request_id = s.request_id AND l.item = s.item
       LEFT JOIN prediction_feedback f ON f.model = s.model AND f.request_id = s.request_id AND f.item = s.item
      WHERE s.model = $1
      GROUP BY s.version ORDER BY s.version DESC`,
    [model],
  );
  return rows.map((r) => {
    const labelled = Number(r.labelled);
    const classification = r.shadow_error === null;
    return {
      version: r.version,
      predictions: Number(r.predictions),
      compared: Number(r.compared),
      agreement: Number(r.compared) === 0 ? null : Number(r.agreed) / Number(r.compared),
      labelled,
      shadowAccuracy: labelled === 0 || !classification ? null : Number(r.shadow_right) / labelled,
      productionAccuracy: labelled === 0 || !classification ? null : Number(r.production_right) / labelled,
      shadowMeanAbsoluteError: r.shadow_error,
      productionMeanAbsoluteError: r.production_error,
      shadowLatencyMs: r.latency,
      firstAt: r.first_at.toISOString(),
      lastAt: r.last_at.toISOString(),
    };
  });
}
