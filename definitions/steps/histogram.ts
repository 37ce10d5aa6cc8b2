import { z } from 'zod';
import { defineStep, outputOf } from '../../lib/dsl';
import { DataError } from '../../lib/errors';
import { sampleMeasurements } from './sampleMeasurements';

/** Equal-width histogram of the values a sampling step produced. */
export const histogram = defineStep({
  name: 'histogram',
  config: z.strictObject({ from: z.string(), bins: z.number().int().min(1).max(100) }),
  output: z.object({ min: z.number(), width: z.number(), counts: z.array(z.number().int()) }),
  run: ({ config, upstream }) => {
    const { values } = outputOf(upstream, config.from, sampleMeasurements);
    if (values.length === 0) throw new DataError(`step '${config.from}' produced no values`);
    const min = Math.min(...values);
    const width = (Math.max(...values) - min) / config.bins || 1;
    const counts = new Array<number>(config.bins).fill(0);
    for (const v of values) counts[Math.min(config.bins - 1, Math.floor((v - min) / width))]! += 1;
    return { min, width, counts };
  },
});
