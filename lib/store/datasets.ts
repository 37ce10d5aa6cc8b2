import type { Pool } from 'pg';
import type { ArtifactRef } from '../artifacts/artifactRef';
import { ProfileSchema, type Profile } from '../data/profile';
import { recordArtifact } from './artifactsTable';

/** Records a dataset and its profile. Idempotent: the same bytes are the same dataset. */
export async function recordDataset(pool: Pool, ref: ArtifactRef, profile: Profile): Promise<void> {
  await recordArtifact(pool, ref);
  await pool.query('INSERT INTO datasets (sha256, row_count, profile) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING', [ref.sha256, profile.rows, JSON.stringify(profile)]);
}

export async function datasetProfile(pool: Pool, sha256: string): Promise<Profile | undefined> {
  const { rows } = await pool.query<{ profile: unknown }>('SELECT profile FROM datasets WHERE sha256 = $1', [sha256]);
  return rows[0] ? ProfileSchema.parse(rows[0].profile) : undefined;
}

/** The row count recorded when the dataset was ingested, without reading the dataset. */
export async function datasetRows(pool: Pool, sha256: string): Promise<number | undefined> {
  const { rows } = await pool.query<{ row_count: number }>('SELECT row_count FROM datasets WHERE sha256 = $1', [sha256]);
  return rows[0]?.row_count;
}
