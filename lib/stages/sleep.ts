import { z } from 'zod';
import { defineStageContract } from './contract';

export const sleepStage = defineStageContract({
  name: 'sleep',
  summary: 'Waits `ms` milliseconds; stops at once when the run is cancelled.',
  config: z.strictObject({ ms: z.number().int().min(0).max(86_400_000) }),
  output: z.object({ sleptMs: z.number().int() }),
  needsStore: false,
  cacheable: false,
});
