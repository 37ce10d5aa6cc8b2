import { z } from 'zod';
import { defineStep } from '../../lib/dsl';
import { seededNormal } from '../../lib/seededRandom';

/** Draws `count` seeded measurements around `mean`: small, reproducible demo data. */
export const sampleMeasurements = defineStep({
  name: 'sample-measurements',
  config: z.strictObject({
    count: z.number().int().min(1).max(2_000),
    mean: z.number(),
    stddev: z.number().positive(),
    seed: z.number().int(),
  }),
  // Declared, so downstream steps read it typed (outputOf) and the worker checks every output against it.
  output: z.object({ count: z.number().int(), values: z.array(z.number()) }),
  run: ({ config }) => {
    const draw = seededNormal(config.seed);
    const values = Array.from({ length: config.count }, () => Math.round((config.mean + config.stddev * draw()) * 1000) / 1000);
    return { count: values.length, values };
  },
});
