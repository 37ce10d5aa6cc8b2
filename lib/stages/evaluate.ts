import { z } from 'zod';
import { ArtifactRefSchema } from '../artifacts/artifactRef';
import { defineStageContract } from './contract';
import { directionOf, knownMetricsText } from '../ml/metricDirections';
import { IngestConfigSchema } from './ingest';

export const EvaluateConfigSchema = z.strictObject({
  /** Thresholds per metric (accuracy, macroF1, logLoss, rocAuc; rmse, mae, r2): a miss fails the step. */
  gate: z
    .record(z.string(), z.strictObject({ min: z.number().optional(), max: z.number().optional() }))
    .superRefine((gate, context) => {
      // A misspelt metric would fail every run at its end, after the training it gates.
      for (const metric of Object.keys(gate)) {
        if (directionOf(metric) === undefined) context.addIssue({ code: 'custom', path: [metric], message: `not a metric evaluate reports (${knownMetricsText()})` });
      }
    })
    .default({}),
  /** Compare with the version an alias points at, on the same holdout. */
  against: z.strictObject({ model: z.string().min(1), alias: z.string().min(1).default('production') }).optional(),
  /** Fail the gate unless the candidate beats the version `against` names (when there is one). */
  requireImprovement: z.boolean().default(false),
  /** Evaluate on this data set (a path, URL or query, as for ingest) instead of the training split's holdout. */
  evaluationDataset: IngestConfigSchema.optional(),
  /** The upstream train step, when there are several upstream steps. */
  from: z.string().optional(),
});

export type EvaluateConfig = z.output<typeof EvaluateConfigSchema>;

export const evaluateStage = defineStageContract({
  name: 'evaluate',
  summary: 'Scores the upstream model on the holdout rows it never saw (or an evaluation dataset), checks the gate, and compares with the version an alias points at on the same rows.',
  config: EvaluateConfigSchema,
  output: z.object({
    model: ArtifactRefSchema,
    dataset: ArtifactRefSchema,
    /** The trained model's holdout split (what a holdout evaluation scored on). */
    split: z.object({ testFraction: z.number(), seed: z.number() }).optional(),
    metrics: z.record(z.string(), z.unknown()),
    primaryMetric: z.string(),
    holdoutRows: z.number().int(),
    evaluatedOn: z.object({ kind: z.enum(['holdout', 'evaluation-dataset']), dataset: ArtifactRefSchema }),
    comparison: z
      .object({
        model: z.string(),
        alias: z.string(),
        version: z.number().int().nullable(),
        metrics: z.unknown(),
        candidateIsBetter: z.boolean().nullable(),
        /** Why the alias's version was not scored on these rows (it predicts another target, reads a column they lack). */
        notCompared: z.string().optional(),
      })
      .nullable(),
    report: ArtifactRefSchema,
  }),
  needsStore: false,
  cacheable: true,
});
