import { z } from 'zod';

const StepCacheEntrySchema = z.object({
  key: z.string(),
  activity: z.string(),
  pipeline: z.string(),
  /** The run whose step produced the output. */
  runId: z.string(),
  step: z.string(),
  output: z.unknown(),
  createdAt: z.string(),
  lastHitAt: z.string().nullable(),
  hits: z.number().int(),
});

export const StepCacheListSchema = z.object({ entries: z.array(StepCacheEntrySchema) });

export const StepCacheEvictionSchema = z.object({ evicted: z.number().int(), before: z.string(), pipeline: z.string().nullable() });
