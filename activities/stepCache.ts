import { unusableBecause } from '../lib/cache/referencedArtifacts';
import { stepCacheKey } from '../lib/cache/stepCacheKey';
import type { AnyStepFunction, StepServices } from '../lib/dsl/defineStep';
import type { JsonObject } from '../lib/dsl/spec';
import { logger } from '../lib/logger';
import { configWithItem } from '../lib/map/itemConfig';
import { CACHE_LOOKUP_ACTIVITY, CACHE_RECORD_ACTIVITY, type CacheLookup, type CacheLookupRequest, type CacheRecordRequest } from '../lib/runContract/stepCache';
import { copyStepArtifacts } from '../lib/store/runArtifacts';
import { deleteStepCacheEntry, findStepCacheEntry, markStepCacheHit, recordStepCacheEntry } from '../lib/store/stepCacheTable';

type KeyOutcome = { key: string } | { key: null; reason: string };

/**
 * The step cache's two bookkeeping activities, run by the workflow's own worker as local activities
 * before and after a cacheable step. Neither ever fails a run: an unavailable store, a step this
 * worker does not know or a source that cannot be fingerprinted is a miss, with its reason.
 */
export function stepCacheActivities(steps: ReadonlyMap<string, AnyStepFunction>, services: StepServices) {
  /** The key of this step with this input, now (fingerprinting its source again). */
  async function keyOf(request: Pick<CacheLookupRequest, 'activity' | 'input'>): Promise<KeyOutcome> {
    const step = steps.get(request.activity);
    if (!step) return { key: null, reason: `this worker does not have the code of '${request.activity}'` };
    let merged;
    try {
      merged = configWithItem(request.input);
    } catch {
      return { key: null, reason: 'its map item cannot be merged over its config (the step will say why)' };
    }
    const config = step.config ? step.config.safeParse(merged) : { success: true as const, data: merged };
    if (!config.success) return { key: null, reason: 'its config does not fit its schema (the step will say why)' };
    let fingerprint;
    if (step.fingerprint) {
      const taken = await step.fingerprint(config.data as JsonObject, services);
      if ('reason' in taken) return { key: null, reason: taken.reason };
      fingerprint = taken.fingerprint;
    }
    const { input } = request;
    return { key: stepCacheKey({ step, config: input.config, upstream: input.upstream, params: input.run.params, fingerprint, ...(input.item ? { item: { index: input.item.index, value: input.item.value } } : {}) }) };
  }

  const failed = (what: string, error: unknown) => `${what}: ${(error as Error).message}`;

  async function lookup(request: CacheLookupRequest): Promise<CacheLookup> {
    const pool = services.store?.pool;
    if (!pool) return { key: null, miss: 'this worker has no metadata store (DATABASE_URL) to keep a cache in' };
    try {
      const outcome = await keyOf(request);
      if (outcome.key === null) return { key: null, miss: outcome.reason };
      const { key } = outcome;
      if (request.policy === 'refresh') return { key, miss: 'the run asked not to use the cache' };
      const entry = await findStepCacheEntry(pool, key);
      if (!entry) return { key, miss: 'no earlier run had the same code, config, upstream outputs and source' };
      const unusable = await unusableBecause(entry.output, services.artifacts);
      if (unusable) {
        await deleteStepCacheEntry(pool, key);
        return { key, miss: `the output cached from run ${entry.runId} is unusable (${unusable}); the step runs again` };
      }
      const { run } = request.input;
      await copyStepArtifacts(pool, { runId: entry.runId, step: entry.step }, { runId: run.runId, step: run.step });
      await markStepCacheHit(pool, key);
      return { key, hit: { runId: entry.runId, step: entry.step, output: entry.output, createdAt: entry.createdAt } };
    } catch (error) {
      return { key: null, miss: failed('the step cache could not be read', error) };
    }
  }

  async function record(request: CacheRecordRequest): Promise<{ recorded: boolean; reason?: string }> {
    const pool = services.store?.pool;
    if (!pool) return { recorded: false, reason: 'no metadata store' };
    const { run } = request.input;
    try {
      // The source may have changed while the step ran: keep the output only under the key of what
      // the step read, which is the key from before it ran only if nothing changed since.
      const now = await keyOf(request);
      if (now.key !== request.key) return { recorded: false, reason: 'what the step depends on changed while it ran' };
      await recordStepCacheEntry(pool, { key: request.key, activity: request.activity, pipeline: run.pipeline, runId: run.runId, step: run.step, output: request.output });
      return { recorded: true };
    } catch (error) {
      const reason = failed('the step cache could not be written', error);
      logger.warn({ runId: run.runId, step: run.step }, reason);
      return { recorded: false, reason };
    }
  }

  return { [CACHE_LOOKUP_ACTIVITY]: lookup, [CACHE_RECORD_ACTIVITY]: record };
}
