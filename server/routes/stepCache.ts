import { z } from 'zod';
import { durationSchema } from '../../lib/dsl/stepOptions';
import { parseDuration } from '../../lib/dsl/duration';
import { evictStepCacheEntries, listStepCacheEntries } from '../../lib/store/stepCacheTable';
import type { AppDeps } from '../deps';
import { PipelineId } from '../pathParams';
import { storePool } from '../requireStore';
import { StepCacheEvictionSchema, StepCacheListSchema } from '../responses/stepCache';
import { defineRoute } from '../routeDef';

/** The step cache: what it holds, and eviction (entries only: artifacts stay with the runs that reference them). */
export function stepCacheRoutes(deps: AppDeps) {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/cache',
      access: 'viewer',
      summary: 'Step cache entries, most recently used first',
      query: z.strictObject({ pipeline: PipelineId.optional(), limit: z.coerce.number().int().min(1).max(1_000).default(100) }),
      response: StepCacheListSchema,
      responses: { 200: 'the entries', 503: 'no metadata store configured' },
      handler: async (c, { query }) => c.json({ entries: await listStepCacheEntries(storePool(deps), query) }),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/v1/cache',
      access: 'operator',
      summary: 'Evict step cache entries unused (not written or hit) for `olderThan`; the artifacts they name stay',
      query: z.strictObject({ olderThan: durationSchema, pipeline: PipelineId.optional() }),
      response: StepCacheEvictionSchema,
      responses: { 200: 'how many entries were evicted', 422: 'a bad duration or pipeline id', 503: 'no metadata store configured' },
      handler: async (c, { query }) => {
        const before = new Date(Date.now() - (parseDuration(query.olderThan) as number));
        const evicted = await evictStepCacheEntries(storePool(deps), { before, pipeline: query.pipeline });
        return c.json({ evicted, before: before.toISOString(), pipeline: query.pipeline ?? null });
      },
    }),
  ] as const;
}
