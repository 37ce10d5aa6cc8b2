import { z } from 'zod';
import { ArtifactRefSchema } from '../artifacts/artifactRef';
import { defineStageContract } from './contract';

export const TRAIN_ALGORITHMS = ['logistic-regression', 'ridge-regression', 'gradient-boosted-trees'] as const;

export const TrainConfigSchema = z.strictObject({
  target: z.string().min(1),
  /** Feature columns; default: every other numeric, text or boolean column. */
  features: z.array(z.string().min(1)).min(1).optional(),
  algorithm: z.enum(TRAIN_ALGORITHMS).default('logistic-regression'),
  /** L2 penalty on the weights (per row: the loss is a mean). */
  l2: z.number().min(0).default(1e-3),
  maxIterations: z.number().int().min(1).max(10_000).default(500),
  /** Gradient-boosted trees: rounds, shrinkage, depth, minimum hessian per leaf, quantile bins per input. */
  rounds: z.number().int().min(1).max(5_000).default(100),
  learningRate: z.number().gt(0).max(1).default(0.1),
  maxDepth: z.number().int().min(1).max(12).default(4),
  minChildWeight: z.number().min(0).default(1),
  bins: z.number().int().min(2).max(1024).default(64),
  /** Gradient-boosted trees: L2 on leaf values. */
  leafL2: z.number().min(0).default(1),
  /** Held out for evaluation, by a seeded stratified split. */
  testFraction: z.number().gt(0).lt(1).default(0.2),
  seed: z.number().int().default(42),
});
export type TrainConfig = z.output<typeof TrainConfigSchema>;

export const trainStage = defineStageContract({
  name: 'train',
  summary: 'Fits a model on the upstream dataset (logistic regression, gradient-boosted trees or ridge regression) with a seeded, stratified holdout, and stores it as a model artifact.',
  config: TrainConfigSchema.extend({ /** The upstream step with the dataset, when there are several. */ from: z.string().optional() }),
  output: z.object({
    model: ArtifactRefSchema,
    dataset: ArtifactRefSchema,
    algorithm: z.enum(TRAIN_ALGORITHMS),
    task: z.enum(['classification', 'regression']),
    target: z.string(),
    labels: z.array(z.string()),
    split: z.object({ testFraction: z.number(), seed: z.number() }),
    metrics: z.object({
      trainRows: z.number().int(),
      testRows: z.number().int(),
      droppedRows: z.number().int(),
      iterations: z.number().int(),
      trainScore: z.number(),
      holdoutScore: z.number(),
      metric: z.enum(['accuracy', 'rmse']),
    }),
  }),
  needsStore: false,
  cacheable: true,
});
