import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { defineStep } from '../lib/dsl/defineStep';

const SleepConfig = z.strictObject({ ms: z.number().int().min(0).max(86_400_000) });

/** Waits `ms` milliseconds, heartbeating; stops at once when the run is cancelled. */
export const sleep = defineStep({
  name: 'sleep',
  config: SleepConfig,
  run: async ({ config }, { signal }) => {
    await delay(config.ms, undefined, { signal });
    return { sleptMs: config.ms };
  },
});
