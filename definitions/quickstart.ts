import { z } from 'zod';
import { cron, definePipeline } from '../lib/dsl';
import { describeNumbers } from './steps/describeNumbers';
import { histogram } from './steps/histogram';
import { report } from './steps/report';
import { sampleMeasurements } from './steps/sampleMeasurements';

/** A diamond: one sample, two summaries computed in parallel, one report. */
export const quickstart = definePipeline({
  id: 'quickstart',
  description: 'Samples seeded measurements, describes them and bins them in parallel, and reports.',
  params: z.object({
    count: z.number().int().min(1).max(2_000).default(500),
    mean: z.number().default(20),
    stddev: z.number().positive().default(4),
    seed: z.number().int().default(42),
  }),
  steps: {
    sample: { activity: sampleMeasurements, config: (p) => ({ count: p.count, mean: p.mean, stddev: p.stddev, seed: p.seed }) },
    describe: { activity: describeNumbers, after: ['sample'], config: { from: 'sample' } },
    bins: { activity: histogram, after: ['sample'], config: { from: 'sample', bins: 10 } },
    report: { activity: report, after: ['describe', 'bins'] },
  },
  triggers: [cron('0 3 * * *', { name: 'nightly', timezone: 'America/Los_Angeles', params: { count: 1000 } })],
});
