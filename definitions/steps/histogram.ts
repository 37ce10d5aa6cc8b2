import { z } from 'zod';
import { defineStep } from '../../lib/dsl';
import { DataError } from '../../lib/errors';
import { upstreamValues } from './numbers';

/** Equal-width histogram of an upstream step's values. */
export const histogram = defineStep({
  name: 'histogram',
  config: z.strictObject({ from: z.string(), bins: z.number().int().min(1).max(100) }),
  run: ({ config, upstream }) => {
    const values = upstreamValues(upstream, config.from);
    if (values.length === 0) throw new DataError(`step '${config.from}' produced no values`);
    const min = Math.min(...values);
    const width = (Math.max(...values) - min) / config.bins || 1;
    const counts = new Array<number>(config.bins).fill(0);
    for (const v of values) counts[Math.min(config.bins - 1, Math.floor((v - min) / width))]! += 1;
    return { min, width, counts };
  },
});
