import { defineStep } from '../lib/dsl/defineStep';
import { noopStage } from '../lib/stages/noop';

/** Does nothing and says which upstream outputs it saw: for wiring pipelines, tests and benchmarks. */
export const noop = defineStep({
  name: noopStage.name,
  config: noopStage.config,
  output: noopStage.output,
  run: ({ upstream }) => ({ upstream: Object.keys(upstream) }),
});
