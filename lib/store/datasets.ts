import type { Pool } from 'pg';
import { z } from 'zod';
import type { ArtifactRef } from '../artifacts/artifactRef';
import { ProfileSchema, type Profile } from '../data/profile';
import { FeedbackLineageSchema } from '../data/feedbackSource';
import { recordArtifact } from './artifactsTable';

/** Where ingest read a dataset from, or which step wrote it (`runtime.writeDataset`). */
export const DatasetSourceSchema = z.object({
  kind: z.enum(['file', 'url', 'sql', 'feedback', 'step']),
  format: z.string(),
  /** The path, the URL (credentials removed), `sql:<connection>`, the `feedback:<model>` source, or `<pipeline>/<step>` for a step's dataset. */
  location: z.string(),
  /** For a step's dataset: the sha256 of each dataset its rows were computed from. */
  derivedFrom: z.array(z.string()).optional(),
  query: z.string().optional(),
  /** For a feedback source: the prediction-log rows, window, version and training data it was built from. */
  feedback: FeedbackLineageSchema.optional(),
});
export type DatasetSource = z.infer<typeof DatasetSourceSchema>;

/**
 * Records a dataset and its profile. Idempotent: the same bytes are the same dataset (the first source
 * recorded stays; one recorded later fills a row that had none).
 */
export async function recordDataset(pool: Pool, ref: ArtifactRef, profile: Profile, source?: DatasetSource): Promise<void> {
  await recordArtifact(pool, ref);
  await pool.query(
    `INSERT INTO datasets (sha256, row_count, profile, source) VALUES ($1, $2, $3, $4)
     ON CONFLICT (sha256) DO UPDATE SET source = coalesce(datasets.source, EXCLUDED.source)`,
    [ref.sha256, profile.rows, JSON.stringify(profile), source ? JSON.stringify(source) : null],
  );
}

/**
 * The full sha256 of the one recorded dataset whose hash starts with `prefix` (the CLI and pages show
 * the first 12 digits), or why there is none: no match, or several (up to 5 named).
 */
export async function resolveDatasetSha256(pool: Pool, prefix: string): Promise<{ sha256: string } | { matches: string[] }> {
  if (prefix.length === 64) return { sha256: prefix };
  const { rows } = await pool.query<{ sha256: string }>("SELECT sha256 FROM datasets WHERE sha256 LIKE $1 || '%' ORDER BY sha256 LIMIT 5", [prefix]);
  return rows.length === 1 ? { sha256: (rows[0] as { sha256: string }).sha256 } : { matches: rows.map((r) => r.sha256) };
}

/** The dataset's profile, source and when it was first recorded. */
export async function datasetRecord(pool: Pool, sha256: string): Promise<{ profile: Profile; source: DatasetSource | null; createdAt: string } | undefined> {
  const { rows } = await pool.query<{ profile: unknown; source: unknown; created_at: Date }>('SELECT profile, source, created_at FROM datasets WHERE sha256 = $1', [sha256]);
  const row = rows[0];
  if (!row) return undefined;
  const source = DatasetSourceSchema.safeParse(row.source);
  return { profile: ProfileSchema.parse(row.profile), source: source.success ? source.data : null, createdAt: row.created_at.toISOString() };
}

export async function datasetProfile(pool: Pool, sha256: string): Promise<Profile | undefined> {
  const { rows } = await pool.query<{ profile: unknown }>('SELECT profile FROM datasets WHERE sha256 = $1', [sha256]);
  return rows[0] ? ProfileSchema.parse(rows[0].profile) : undefined;
}

/** The row count recorded when the dataset was ingested, without reading the dataset. */
export async function datasetRows(pool: Pool, sha256: string): Promise<number | undefined> {
  // row_count is a BIGINT, which pg gives as text.
  const { rows } = await pool.query<{ row_count: string }>('SELECT row_count FROM datasets WHERE sha256 = $1', [sha256]);
  return rows[0] ? Number(rows[0].row_count) : undefined;
}
