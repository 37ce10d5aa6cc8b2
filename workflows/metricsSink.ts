import type { Sink, Sinks } from '@temporalio/workflow';

/**
 * What runPipeline reports to the worker process for its metrics. Sinks run outside the workflow
 * sandbox and not during replay, so a counter counts each run once.
 */
export interface RunMetricsSinks extends Sinks {
  runMetrics: Sink & {
    started(pipeline: string, trigger: string): void;
    finished(pipeline: string, trigger: string, outcome: 'succeeded' | 'failed' | 'cancelled'): void;
  };
}
