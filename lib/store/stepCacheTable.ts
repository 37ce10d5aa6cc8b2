import type { Pool } from 'pg';
import type { JsonValue } from '../dsl/spec';

/** A step's output kept under its cache key, and where it came from. */
export interface StepCacheEntry {
  key: string;
  activity: string;
  pipeline: string;
  runId: string;
  step: string;
  output: JsonValue | null;
  createdAt: string;
  lastHitAt: string | null;
  hits: number;
}

interface StepCacheRow {
  key: string;
  activity: string;
  pipeline: string;
  run_id: string;
  step: string;
  output: JsonValue | null;
  created_at: Date;
  last_hit_at: Date | null;
  hits: string;
}

const toEntry = (row: StepCacheRow): StepCacheEntry => ({
  key: row.key,
  activity: row.activity,
  pipeline: row.pipeline,
  runId: row.run_id,
  step: row.step,
  output: row.output,
  createdAt: row.created_at.toISOString(),
  lastHitAt: row.last_hit_at?.toISOString() ?? null,
  hits: Number(row.hits),
});

/** The step_cache table: the only code that runs SQL on it. The entry under `key`, if any. */
export async function findStepCacheEntry(pool: Pool, key: string): Promise<StepCacheEntry | undefined> {
  const { rows } = await pool.query<StepCacheRow>('SELECT * FROM step_cache WHERE key = $1', [key]);
  return rows[0] ? toEntry(rows[0]) : undefined;
}

/** Counts a use of an entry (eviction goes by last use). */
export async function markStepCacheHit(pool: Pool, key: string): Promise<void> {
  await pool.query('UPDATE step_cache SET hits = hits + 1, last_hit_at = now() WHERE key = $1', [key]);
}

/**
 * Keeps a step's output under its key. A later run with the same key replaces it (the newest
 * execution is the one a hit points to); a retried activity writes the same row again.
 */
export async function recordStepCacheEntry(pool: Pool, entry: Pick<StepCacheEntry, 'key' | 'activity' | 'pipeline' | 'runId' | 'step' | 'output'>): Promise<void> {
  await pool.query(
    `INSERT INTO step_cache (key, activity, pipeline, run_id, step, output) VALUES ($1, $2, $3, $4, $5, $6::jsonb)
     ON CONFLICT (key) DO UPDATE SET activity = EXCLUDED.activity, pipeline = EXCLUDED.pipeline, run_id = EXCLUDED.run_id,
       step = EXCLUDED.step, output = EXCLUDED.output, created_at = now(), last_hit_at = NULL, hits = 0`,
    [entry.key, entry.activity, entry.pipeline, entry.runId, entry.step, JSON.stringify(entry.output)],
  );
}

/** Forgets an entry whose artifacts are gone, so the next run does not check it again. */
export async function deleteStepCacheEntry(pool: Pool, key: string): Promise<void> {
  await pool.query('DELETE FROM step_cache WHERE key = $1', [key]);
}

/** Eviction: forgets entries not used (written or hit) since `before`, of one pipeline or all. Artifacts stay. */
export async function evictStepCacheEntries(pool: Pool, filter: { before: Date; pipeline?: string | undefined }): Promise<number> {
  const { rowCount } = await pool.query('DELETE FROM step_cache WHERE coalesce(last_hit_at, created_at) < $1 AND ($2::text IS NULL OR pipeline = $2)', [
    filter.before,
    filter.pipeline ?? null,
  ]);
  return rowCount ?? 0;
}

/** The entries, most recently used first (for `cairn cache list` and the API). */
export async function listStepCacheEntries(pool: Pool, filter: { pipeline?: string | undefined; limit: number }): Promise<StepCacheEntry[]> {
  const { rows } = await pool.query<StepCacheRow>(
    'SELECT * FROM step_cache WHERE ($1::text IS NULL OR pipeline = $1) ORDER BY coalesce(last_hit_at, created_at) DESC LIMIT $2',
    [filter.pipeline ?? null, filter.limit],
  );
  return rows.map(toEntry);
}
