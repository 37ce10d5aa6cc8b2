import { z } from 'zod';
import { defineStep } from '../../lib/dsl';
import { DataError } from '../../lib/errors';
import { upstreamValues } from './numbers';

/** Mean, standard deviation and range of an upstream step's values. */
export const describeNumbers = defineStep({
  name: 'describe-numbers',
  config: z.strictObject({ from: z.string() }),
  run: ({ config, upstream }) => {
    const values = upstreamValues(upstream, config.from);
    if (values.length === 0) throw new DataError(`step '${config.from}' produced no values`);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length - 1);
    return { count: values.length, mean, stddev: Math.sqrt(variance), min: Math.min(...values), max: Math.max(...values) };
  },
});
