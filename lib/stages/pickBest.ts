import { z } from 'zod';
import { defineStageContract } from './contract';
import { directionOf, knownMetricsText } from '../ml/metricDirections';

/** What a sweep records about itself, and register keeps in the chosen version's lineage. */
export const SweepSummarySchema = z.object({
  /** The run and the step that ran the trials. */
  step: z.string(),
  metric: z.string(),
  direction: z.enum(['max', 'min']),
  /** The chosen trial's index. */
  best: z.number().int(),
  trials: z.array(
    z.object({
      index: z.number().int(),
      params: z.record(z.string(), z.unknown()),
      /** The metric, when the trial succeeded and reported it. */
      value: z.number().nullable(),
      status: z.enum(['succeeded', 'failed']),
    }),
  ),
});
export type SweepSummary = z.infer<typeof SweepSummarySchema>;

export const pickBestStage = defineStageContract({
  name: 'pick-best',
  summary: "Chooses a sweep's best trial by a metric and direction, and hands on its evaluated model (for register) with every trial's params and score.",
  config: z
    .strictObject({
      /** The mapped step whose items are trials (`{ train, evaluate }` each); default the first upstream step with a list. */
      from: z.string().optional(),
      /** A metric of the trials' evaluate output, e.g. accuracy, macroF1, rmse. */
      metric: z.string().min(1),
      /** Default: the metric's own (max for accuracy, macroF1, rocAuc, r2; min for logLoss, rmse, mae); required for any other metric. */
      direction: z.enum(['max', 'min']).optional(),
      /** Each trial's hyperparameters, in item order (sweep() writes them). */
      trials: z.array(z.record(z.string(), z.json())).default([]),
    })
    .superRefine((config, context) => {
      if (config.direction === undefined && directionOf(config.metric) === undefined) {
        context.addIssue({ code: 'custom', path: ['direction'], message: `give 'max' or 'min': Cairn knows which way is better only for the metrics evaluate reports (${knownMetricsText()}), not for '${config.metric}'` });
      }
    }),
  // The chosen trial's evaluate output (model, dataset, metrics, split), with the sweep beside it.
  output: z.looseObject({ model: z.unknown(), metrics: z.record(z.string(), z.unknown()), trial: z.number().int(), params: z.record(z.string(), z.unknown()), sweep: SweepSummarySchema }),
  needsStore: false,
  cacheable: true,
});
