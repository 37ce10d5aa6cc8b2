import type { JsonValue } from '../dsl/spec';
import type { StepInput } from '../dsl/stepIo';

/** The activity types of the step cache's bookkeeping (local activities of the workflow's worker). */
export const CACHE_LOOKUP_ACTIVITY = 'cairn-cache-lookup';
export const CACHE_RECORD_ACTIVITY = 'cairn-cache-record';

/**
 * A run's use of the step cache: `use` (the default) takes verified hits and records new outputs;
 * `refresh` (`cairn run --no-cache`) runs every step and records their outputs; `off` neither reads
 * nor writes.
 */
export const CACHE_POLICIES = ['use', 'refresh', 'off'] as const;
export type CachePolicy = (typeof CACHE_POLICIES)[number];

export interface CacheLookupRequest {
  activity: string;
  input: StepInput;
  policy: Exclude<CachePolicy, 'off'>;
}

/** A hit (the output and where it came from) or a miss with its reason; `key` is null when the step has none this time. */
export type CacheLookup =
  | { key: string; hit: { runId: string; step: string; output: JsonValue | null; createdAt: string } }
  | { key: string | null; miss: string };

/** What the record needs: the step and its input (to take the key again), the key from before it ran, its output. */
export interface CacheRecordRequest extends Omit<CacheLookupRequest, 'policy'> {
  key: string;
  output: JsonValue | null;
}
