import type { Pool, PoolClient } from 'pg';
import type { ArtifactRef } from '../artifacts/artifactRef';

/** Records an artifact's row (idempotent: content-addressed, so the same bytes are the same row). */
export async function recordArtifact(db: Pool | PoolClient, ref: Pick<ArtifactRef, 'sha256' | 'size' | 'mediaType'>): Promise<void> {
  await db.query('INSERT INTO artifacts (sha256, size_bytes, media_type) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING', [ref.sha256, ref.size, ref.mediaType]);
}
