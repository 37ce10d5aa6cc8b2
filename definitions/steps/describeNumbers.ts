import { z } from 'zod';
import { defineStep, outputOf } from '../../lib/dsl';
import { DataError } from '../../lib/errors';
import { sampleMeasurements } from './sampleMeasurements';

/** Mean, standard deviation and range of the values a sampling step produced. */
export const describeNumbers = defineStep({
  name: 'describe-numbers',
  config: z.strictObject({ from: z.string() }),
  run: ({ config, upstream }) => {
    const { values } = outputOf(upstream, config.from, sampleMeasurements);
    if (values.length === 0) throw new DataError(`step '${config.from}' produced no values`);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length - 1);
    return { count: values.length, mean, stddev: Math.sqrt(variance), min: Math.min(...values), max: Math.max(...values) };
  },
});
