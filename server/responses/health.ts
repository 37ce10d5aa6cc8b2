import { z } from 'zod';

export const UpSchema = z.object({ status: z.literal('ok') });

/** 200 when every dependency answers, else 503 with the same shape naming those that do not. */
export const ReadinessSchema = z.object({
  status: z.enum(['ready', 'not ready']),
  down: z.array(z.string()),
  checks: z.object({ temporal: z.string(), store: z.string() }),
});
