import type { Pool } from 'pg';
import type { ArtifactRef } from '../artifacts/artifactRef';
import { artifactUri } from '../artifacts/artifactRef';
import { recordArtifact } from './artifactsTable';

export interface RunArtifact extends ArtifactRef {
  runId: string;
  step: string;
  name: string;
  createdAt: string;
}

/** Records that a run's step produced an artifact. Idempotent: a retried activity records nothing new. */
export async function recordRunArtifact(pool: Pool, entry: { runId: string; step: string; name: string; ref: ArtifactRef }): Promise<void> {
  const { runId, step, name, ref } = entry;
  await recordArtifact(pool, ref);
  await pool.query('INSERT INTO run_artifacts (run_id, step, name, sha256) VALUES ($1, $2, $3, $4) ON CONFLICT (run_id, step, name) DO NOTHING', [
    runId,
    step,
    name,
    ref.sha256,
  ]);
}

/** A step whose output came from the step cache records the artifacts of the step it came from as its own (lineage; nothing is copied). */
export async function copyStepArtifacts(pool: Pool, from: { runId: string; step: string }, to: { runId: string; step: string }): Promise<void> {
  await pool.query(
    `INSERT INTO run_artifacts (run_id, step, name, sha256)
     SELECT $3, $4, name, sha256 FROM run_artifacts WHERE run_id = $1 AND step = $2
     ON CONFLICT (run_id, step, name) DO NOTHING`,
    [from.runId, from.step, to.runId, to.step],
  );
}

export async function listRunArtifacts(pool: Pool, runId: string): Promise<RunArtifact[]> {
  const { rows } = await pool.query<{ run_id: string; step: string; name: string; sha256: string; size_bytes: string; media_type: string; created_at: Date }>(
    `SELECT r.run_id, r.step, r.name, a.sha256, a.size_bytes, a.media_type, r.created_at
       FROM run_artifacts r JOIN artifacts a USING (sha256)
      WHERE r.run_id = $1 ORDER BY r.created_at, r.step, r.name`,
    [runId],
  );
  return rows.map((r) => ({
    runId: r.run_id,
    step: r.step,
    name: r.name,
    uri: artifactUri(r.sha256),
    sha256: r.sha256,
    size: Number(r.size_bytes),
    mediaType: r.media_type,
    createdAt: r.created_at.toISOString(),
  }));
}

/** Every run step that recorded this artifact (under any name), oldest first: where a dataset was made and used. */
export async function artifactUses(pool: Pool, sha256: string): Promise<{ runId: string; step: string; name: string; createdAt: string }[]> {
  const { rows } = await pool.query<{ run_id: string; step: string; name: string; created_at: Date }>(
    'SELECT run_id, step, name, created_at FROM run_artifacts WHERE sha256 = $1 ORDER BY created_at, run_id, step, name',
    [sha256],
  );
  return rows.map((r) => ({ runId: r.run_id, step: r.step, name: r.name, createdAt: r.created_at.toISOString() }));
}
