import { setTimeout as delay } from 'node:timers/promises';
import { sleepStage } from '../lib/stages/sleep';
import { defineStep } from '../lib/dsl/defineStep';

/** Waits `ms` milliseconds, heartbeating; stops at once when the run is cancelled. */
export const sleep = defineStep({
  name: sleepStage.name,
  config: sleepStage.config,
  output: sleepStage.output,
  run: async ({ config }, { signal }) => {
    await delay(config.ms, undefined, { signal });
    return { sleptMs: config.ms };
  },
});
