import { z } from 'zod';
import { defineStageContract } from './contract';

export const noopStage = defineStageContract({
  name: 'noop',
  summary: 'Does nothing and names the upstream outputs it saw: for wiring pipelines, tests and benchmarks.',
  /** Any config, ignored: a stand-in for a step not written yet keeps its future config. */
  config: z.record(z.string(), z.json()),
  output: z.object({ upstream: z.array(z.string()) }),
  needsStore: false,
  cacheable: true,
});
