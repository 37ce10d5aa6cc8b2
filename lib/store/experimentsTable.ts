import type { Pool } from 'pg';
import type { MetricCondition } from '../experiments/metricFilter';

/** One training execution as recorded. */
export interface Experiment {
  id: number;
  runId: string;
  step: string;
  attempt: number;
  pipeline: string;
  specHash: string;
  activity: string;
  algorithm: string | null;
  params: Record<string, unknown>;
  metrics: Record<string, number>;
  datasetSha256: string | null;
  codeVersion: string;
  durationMs: number;
  createdAt: string;
}

export type NewExperiment = Omit<Experiment, 'id' | 'createdAt'>;

interface ExperimentRow {
  id: string;
  run_id: string;
  step: string;
  attempt: number;
  pipeline: string;
  spec_hash: string;
  activity: string;
  algorithm: string | null;
  params: Record<string, unknown>;
  metrics: Record<string, number>;
  dataset_sha256: string | null;
  code_version: string;
  duration_ms: number;
  created_at: Date;
}

const toExperiment = (row: ExperimentRow): Experiment => ({
  id: Number(row.id),
  runId: row.run_id,
  step: row.step,
  attempt: row.attempt,
  pipeline: row.pipeline,
  specHash: row.spec_hash,
  activity: row.activity,
  algorithm: row.algorithm,
  params: row.params,
  metrics: row.metrics,
  datasetSha256: row.dataset_sha256,
  codeVersion: row.code_version,
  durationMs: row.duration_ms,
  createdAt: row.created_at.toISOString(),
});

/** The experiments table: the only code that runs SQL on it. Records one execution; a retried activity's second write changes nothing. */
export async function recordExperiment(pool: Pool, experiment: NewExperiment): Promise<void> {
  const e = experiment;
  await pool.query(
    `INSERT INTO experiments (run_id, step, attempt, pipeline, spec_hash, activity, algorithm, params, metrics, dataset_sha256, code_version, duration_ms)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10, $11, $12) ON CONFLICT (run_id, step, attempt) DO NOTHING`,
    [e.runId, e.step, e.attempt, e.pipeline, e.specHash, e.activity, e.algorithm, JSON.stringify(e.params), JSON.stringify(e.metrics), e.datasetSha256, e.codeVersion, Math.round(e.durationMs)],
  );
}

/** A metric as a number for SQL, or NULL where the experiment has none (or a value that is not a number). */
const metricSql = (param: string) => `(CASE WHEN jsonb_typeof(metrics -> ${param}) = 'number' THEN (metrics ->> ${param})::float8 END)`;

const SQL_OPERATOR: Record<MetricCondition['op'], string> = { '>': '>', '>=': '>=', '<': '<', '<=': '<=', '=': '=', '!=': '<>' };

export interface ExperimentSearch {
  pipeline?: string | undefined;
  where: MetricCondition[];
  /** A metric to order by (experiments without it last), else newest first. */
  sort?: { metric: string; descending: boolean } | undefined;
  limit: number;
}

/** Experiments matching every condition (an experiment without a metric never matches a condition on it). */
export async function searchExperiments(pool: Pool, search: ExperimentSearch): Promise<Experiment[]> {
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const conditions = search.where.map((c) => `${metricSql(param(c.metric))} ${SQL_OPERATOR[c.op]} ${param(c.value)}`);
  if (search.pipeline) conditions.push(`pipeline = ${param(search.pipeline)}`);
  const order = search.sort ? `${metricSql(param(search.sort.metric))} ${search.sort.descending ? 'DESC' : 'ASC'} NULLS LAST, id DESC` : 'created_at DESC, id DESC';
  const { rows } = await pool.query<ExperimentRow>(
    `SELECT * FROM experiments ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ${param(search.limit)}`,
    values,
  );
  return rows.map(toExperiment);
}

/** Experiments by id, in the order asked (missing ids are left out). */
export async function experimentsById(pool: Pool, ids: number[]): Promise<Experiment[]> {
  const { rows } = await pool.query<ExperimentRow>('SELECT * FROM experiments WHERE id = ANY($1::bigint[])', [ids]);
  const byId = new Map(rows.map((row) => [Number(row.id), toExperiment(row)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
