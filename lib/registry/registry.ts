import { withTransaction } from '../store/withTransaction';
import type { Pool } from 'pg';
import { z } from 'zod';
import { recordArtifact } from '../store/artifactsTable';
import { SweepSummarySchema, type SweepSummary } from '../stages/pickBest';

export const ModelVersionSchema = z.object({
  model: z.string(),
  version: z.number().int(),
  modelSha256: z.string(),
  algorithm: z.string(),
  metrics: z.record(z.string(), z.unknown()),
  params: z.record(z.string(), z.unknown()),
  lineage: z.object({
    runId: z.string(),
    workflowRunId: z.string(),
    step: z.string(),
    pipeline: z.string(),
    specHash: z.string(),
    datasetSha256: z.string(),
    codeVersion: z.string(),
    /** The sweep that chose this version (every trial's params and score), when a sweep did. */
    sweep: SweepSummarySchema.optional(),
  }),
  aliases: z.array(z.string()),
  createdAt: z.string(),
});
export type ModelVersion = z.infer<typeof ModelVersionSchema>;

export interface RegisterRequest {
  model: string;
  /** The model document's artifact; recorded in the artifact table if no step recorded it yet. */
  modelRef: { sha256: string; size: number; mediaType: string };
  algorithm: string;
  metrics: Record<string, unknown>;
  params: Record<string, unknown>;
  lineage: ModelVersion['lineage'];
}

/**
 * Registers a model version: the next number for the model, or, when this run's step already
 * registered it (an activity that ran twice), that same version.
 */
export async function registerVersion(pool: Pool, request: RegisterRequest): Promise<{ version: number; created: boolean }> {
  return withTransaction(pool, async (client) => {
    await client.query('INSERT INTO models (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [request.model]);
    await recordArtifact(client, request.modelRef);
    // Lock the model row so two registrations cannot take the same number.
    await client.query('SELECT name FROM models WHERE name = $1 FOR UPDATE', [request.model]);
    const existing = await client.query<{ version: number }>('SELECT version FROM model_versions WHERE model = $1 AND run_id = $2 AND step = $3', [
      request.model,
      request.lineage.runId,
      request.lineage.step,
    ]);
    if (existing.rows[0]) {
      return { version: existing.rows[0].version, created: false };
    }
    const next = await client.query<{ version: number }>('SELECT coalesce(max(version), 0) + 1 AS version FROM model_versions WHERE model = $1', [request.model]);
    const version = next.rows[0]?.version ?? 1;
    const l = request.lineage;
    await client.query(
      `INSERT INTO model_versions (model, version, model_sha256, algorithm, metrics, params, run_id, workflow_run_id, step, pipeline, spec_hash, dataset_sha256, code_version, sweep)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [request.model, version, request.modelRef.sha256, request.algorithm, JSON.stringify(request.metrics), JSON.stringify(request.params), l.runId, l.workflowRunId, l.step, l.pipeline, l.specHash, l.datasetSha256, l.codeVersion, l.sweep ? JSON.stringify(l.sweep) : null],
    );
    return { version, created: true };
  });
}

const SELECT_VERSIONS = `
  SELECT v.*, coalesce(array_agg(a.alias ORDER BY a.alias) FILTER (WHERE a.alias IS NOT NULL), '{}') AS aliases
    FROM model_versions v LEFT JOIN model_aliases a ON a.model = v.model AND a.version = v.version`;

type VersionRow = Record<string, unknown> & { aliases: string[]; created_at: Date };

function toVersion(row: VersionRow): ModelVersion {
  return {
    model: row.model as string,
    version: row.version as number,
    modelSha256: row.model_sha256 as string,
    algorithm: row.algorithm as string,
    metrics: row.metrics as Record<string, unknown>,
    params: row.params as Record<string, unknown>,
    lineage: {
      runId: row.run_id as string,
      workflowRunId: row.workflow_run_id as string,
      step: row.step as string,
      pipeline: row.pipeline as string,
      specHash: row.spec_hash as string,
      datasetSha256: row.dataset_sha256 as string,
      codeVersion: row.code_version as string,
      ...(row.sweep ? { sweep: row.sweep as SweepSummary } : {}),
    },
    aliases: row.aliases,
    createdAt: row.created_at.toISOString(),
  };
}

export async function listVersions(pool: Pool, model: string): Promise<ModelVersion[]> {
  const { rows } = await pool.query<VersionRow>(`${SELECT_VERSIONS} WHERE v.model = $1 GROUP BY v.model, v.version ORDER BY v.version`, [model]);
  return rows.map(toVersion);
}

export async function getVersion(pool: Pool, model: string, version: number): Promise<ModelVersion | undefined> {
  const { rows } = await pool.query<VersionRow>(`${SELECT_VERSIONS} WHERE v.model = $1 AND v.version = $2 GROUP BY v.model, v.version`, [model, version]);
  return rows[0] ? toVersion(rows[0]) : undefined;
}

export async function listModels(pool: Pool): Promise<{ name: string; latestVersion: number | null; aliases: Record<string, number> }[]> {
  const { rows } = await pool.query<{ name: string; latest: number | null; aliases: Record<string, number> | null }>(
    `SELECT m.name, (SELECT max(version) FROM model_versions v WHERE v.model = m.name) AS latest,
            jsonb_object_agg(a.alias, a.version) FILTER (WHERE a.alias IS NOT NULL) AS aliases
       FROM models m LEFT JOIN model_aliases a ON a.model = m.name
      GROUP BY m.name ORDER BY m.name`,
  );
  return rows.map((r) => ({ name: r.name, latestVersion: r.latest, aliases: r.aliases ?? {} }));
}

/** Whether the model has this version (inside a caller's transaction, or on the pool). */
export async function versionExists(db: Pick<Pool, 'query'>, model: string, version: number): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM model_versions WHERE model = $1 AND version = $2', [model, version]);
  return (rowCount ?? 0) > 0;
}

/** The versions trained on a dataset (its data card lists them), oldest first. */
export async function versionsTrainedOn(pool: Pool, datasetSha256: string): Promise<ModelVersion[]> {
  const { rows } = await pool.query<VersionRow>(`${SELECT_VERSIONS} WHERE v.dataset_sha256 = $1 GROUP BY v.model, v.version ORDER BY v.created_at, v.model, v.version`, [datasetSha256]);
  return rows.map(toVersion);
}
