import { join } from 'node:path';
import { z } from 'zod';
import { definePipeline } from '@cairn-ml/cairn';
import { checkReadings } from './steps/checkReadings';
import { dailyMeans } from './steps/dailyMeans';

const SAMPLE = join(import.meta.dirname, '..', 'data', 'readings.csv');

/**
 * Loads sensor readings, checks them, computes each sensor's daily means, and publishes once someone
 * approves (within 2 days).
 * Run it: `npx cairn run readings-check --wait` (or `--param source=/path/to/other.csv`).
 */
export const readingsCheck = definePipeline({
  id: 'readings-check',
  description: 'Loads sensor readings, checks their range, and publishes them once approved.',
  params: z.object({
    source: z.string().default(SAMPLE),
    maxTemperature: z.number().default(45),
    /** `--param publish=false` checks and summarises the readings without publishing them. */
    publish: z.boolean().default(true),
  }),
  steps: {
    load: { activity: 'ingest', config: (p) => ({ source: p.source }) },
    check: { activity: checkReadings, after: ['load'], config: (p) => ({ maxTemperature: p.maxTemperature }) },
    // A table computed from the readings, stored as a dataset of its own.
    daily: { activity: dailyMeans, after: ['load', 'check'] },
    // A person signs off before anything is published: `cairn approve <run> publish`. With
    // publish=false the step is skipped (saying why), and no one is asked.
    publish: { activity: 'noop', after: ['daily'], approval: { timeout: '2d' }, when: { param: 'publish' } },
  },
});
