import { defineStep } from '../lib/dsl/defineStep';

/** Does nothing and says which upstream outputs it saw: for wiring pipelines, tests and benchmarks. */
export const noop = defineStep({
  name: 'noop',
  run: ({ upstream }) => ({ upstream: Object.keys(upstream) }),
});
