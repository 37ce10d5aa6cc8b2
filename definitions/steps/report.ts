import { defineStep } from '../../lib/dsl';

/** Gathers every upstream output into one small report. */
export const report = defineStep({
  name: 'report',
  run: ({ run, upstream }) => ({ pipeline: run.pipeline, logicalDate: run.logicalDate, sections: upstream }),
});
