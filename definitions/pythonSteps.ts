import { join } from 'node:path';
import { z } from 'zod';
import { definePipeline, onDrift, pythonStep } from '../lib/dsl';
import { ModelNameSchema } from '../lib/registry/names';
import { EXAMPLE_DATASETS } from './exampleData';

/** The config of the Python step below, as its pydantic model FitConfig declares it (python field names in camelCase). */
const FitHistGradientBoostingConfig = z.strictObject({
  target: z.string().min(1),
  features: z.array(z.string().min(1)).min(1).optional(),
  task: z.enum(['classification', 'regression']).default('classification'),
  maxIter: z.number().int().min(1).max(10_000).default(100),
  learningRate: z.number().gt(0).max(1).default(0.1),
  testFraction: z.number().gt(0).lt(1).default(0.2),
  seed: z.number().int().default(42),
});

/** scikit-learn's HistGradientBoosting in a Python step (definitions/python/sklearn_steps.py), exported to ONNX. */
export const fitHistGradientBoosting = pythonStep({
  name: 'fit-hist-gradient-boosting',
  queue: 'python',
  module: join(import.meta.dirname, 'python', 'sklearn_steps.py'),
  config: FitHistGradientBoostingConfig,
});

/**
 * Penguin species with scikit-learn: ingest (Cairn) -> fit in Python, exported to ONNX -> evaluate
 * against production (Cairn, with onnxruntime) -> register -> deploy; served and watched for drift
 * like the built-in models.
 */
export const penguinsSklearn = definePipeline({
  id: 'penguins-sklearn',
  description: 'Trains a scikit-learn HistGradientBoostingClassifier on Palmer penguins in a Python step, exports it to ONNX, evaluates, registers and deploys it as "penguins-onnx"',
  params: z.object({
    dataset: z.string().min(1).default(EXAMPLE_DATASETS.penguins.path),
    target: z.string().min(1).default(EXAMPLE_DATASETS.penguins.target),
    maxIter: z.number().int().min(1).max(10_000).default(100),
    model: ModelNameSchema.default('penguins-onnx'),
    /** Minimum holdout accuracy to register. */
    gate: z.number().min(0).max(1).default(0.9),
  }),
  steps: {
    data: { activity: 'ingest', config: (p) => ({ source: p.dataset }) },
    fit: { activity: fitHistGradientBoosting, after: ['data'], heartbeat: '30s', config: (p) => ({ target: p.target, maxIter: p.maxIter }) },
    score: { activity: 'evaluate', after: ['fit'], config: (p) => ({ gate: { accuracy: { min: p.gate } }, against: { model: p.model, alias: 'production' } }) },
    entry: { activity: 'register', after: ['score'], config: (p) => ({ model: p.model }) },
    ship: { activity: 'deploy', after: ['entry'], config: () => ({ alias: 'production' }) },
  },
  triggers: [onDrift('penguins-onnx', { every: '1h', window: '7d' })],
});
