import { z } from 'zod';
import { ConfigError } from '../errors';
import { describeIssuesText } from './compile';
import { sweepTrials, type SweepSearch } from '../ml/sweepTrials';
import { directionOf, knownMetricsText, METRICS_BY_TASK, type MetricName } from '../ml/metricDirections';
import { type EvaluateConfigSchema } from '../stages/evaluate';
import { TrainConfigSchema } from '../stages/train';
import type { StepDefinition } from './definePipeline';
import type { JsonObject } from './spec';
import type { StepOptions } from './stepOptions';

export interface SweepOptions<After extends string> {
  /** The step(s) whose output has the dataset to train on (an ingest or validate step). */
  after: readonly After[];
  /** The training config every trial starts from; each trial's hyperparameters are merged over it. */
  train: z.input<typeof TrainConfigSchema>;
  /** The search: `{ grid: { maxDepth: [3, 4, 6] } }` or `{ random: { learningRate: { min: 0.01, max: 0.3, log: true } }, trials: 12, seed: 7 }`. */
  search: SweepSearch;
  /** The evaluate output's metric that chooses the best trial: accuracy, macroF1, rocAuc, r2, logLoss, rmse or mae. */
  metric: string;
  /** Default: the metric's own (rmse, mae and logLoss lower, the others higher). */
  direction?: 'max' | 'min';
  /** Trials training at once (default 4). */
  concurrency?: number;
  /** The evaluate config each trial is scored with (default: its holdout). */
  evaluate?: z.input<typeof EvaluateConfigSchema>;
  /** The queue the trials' train and evaluate run on (big machines), and their retry policy. */
  queue?: string;
  retry?: StepOptions['retry'];
}

/**
 * A hyperparameter sweep, built on a dynamic map: `name` trains and evaluates one model per trial of
 * the search (each on the same seeded split, every fit recorded as an experiment), and `name-best`
 * chooses the best by `metric` and hands it on, with every trial's params and score, for a
 * register step (`after: ['name-best']`), which keeps the sweep in the version's lineage. Spread it
 * into a pipeline's steps: `steps: { ingest: {...}, ...sweep('tune', {...}), register: {...} }`.
 * Trials are fixed when definitions load (a grid, or seeded draws), and each is checked against the
 * training config then.
 */
export function sweep<const Name extends string, const After extends string>(
  name: Name,
  options: SweepOptions<After>,
): Record<Name | `${Name}-best`, StepDefinition<Name | After, unknown>> {
  const fail = (problem: string): never => {
    throw new ConfigError(`sweep '${name}': ${problem}`);
  };
  // Its trials are scored by the built-in evaluate: a metric it does not report (f1Macro for macroF1) would fail every run at the end.
  if (directionOf(options.metric) === undefined) fail(`metric '${options.metric}' is not one evaluate reports (${knownMetricsText()})`);
  let trials: JsonObject[] = [];
  try {
    trials = sweepTrials(options.search);
  } catch (error) {
    fail(`search: ${error instanceof z.ZodError ? describeIssuesText(error) : (error as Error).message}`);
  }
  trials.forEach((trial, index) => {
    const checked = TrainConfigSchema.safeParse({ ...options.train, ...trial });
    if (!checked.success) fail(`trial ${index} (${JSON.stringify(trial)}) is not a training config: ${describeIssuesText(checked.error)}`);
    const task = checked.data?.algorithm === 'ridge-regression' ? 'regression' : 'classification';
    if (!METRICS_BY_TASK[task].includes(options.metric as MetricName)) {
      fail(`metric '${options.metric}' is not reported for a ${task} model (trial ${index} trains ${checked.data?.algorithm}): use ${METRICS_BY_TASK[task].join(', ')}`);
    }
  });
  const placement = { ...(options.queue ? { queue: options.queue } : {}), ...(options.retry ? { retry: options.retry } : {}) };
  const trialSteps = {
    train: { activity: 'train' as const, config: options.train, itemConfig: true, ...placement },
    evaluate: { activity: 'evaluate' as const, after: ['train'], config: options.evaluate ?? {}, ...placement },
  };
  return {
    [name]: {
      after: options.after,
      map: { over: { items: trials }, concurrency: options.concurrency ?? 4 },
      steps: trialSteps,
      result: ['train', 'evaluate'],
    },
    [`${name}-best`]: {
      activity: 'pick-best',
      after: [name],
      config: { from: name, metric: options.metric, ...(options.direction ? { direction: options.direction } : {}), trials },
    },
  } as unknown as Record<Name | `${Name}-best`, StepDefinition<Name | After, unknown>>;
}
