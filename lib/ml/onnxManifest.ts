import { z } from 'zod';
import { ArtifactRefSchema } from '../artifacts/artifactRef';

/**
 * A model in ONNX, as the registry records it: the ONNX file is one artifact, this manifest another,
 * and the manifest is what a step returns as `model` and what `register` records. It says what the
 * graph alone does not: the task, the target, the features in Cairn's terms and the graph input
 * each one feeds, the labels in the order of the probability columns, and the output to read.
 * The Python package's `save_onnx_model` writes it (python/cairn_steps/onnx_model.py).
 */
export const OnnxManifestSchema = z.strictObject({
  formatVersion: z.literal(1),
  format: z.literal('onnx'),
  onnx: ArtifactRefSchema,
  /** What trained it, e.g. `sklearn:HistGradientBoostingClassifier`. */
  algorithm: z.string().min(1),
  task: z.enum(['classification', 'regression']),
  target: z.string().min(1),
  /** In order; `input` is the graph input the feature feeds (one input per feature, shape [rows, 1]). */
  features: z.array(z.strictObject({ name: z.string().min(1), kind: z.enum(['numeric', 'categorical']), input: z.string().min(1) })).min(1),
  /** Instead of one input per feature: every feature, in order, as one float matrix [rows, features]. */
  matrixInput: z.string().min(1).optional(),
  /** Classification: the class labels, in the order of the probabilities output's columns. */
  labels: z.array(z.string()),
  outputs: z.strictObject({ probabilities: z.string().min(1).optional(), value: z.string().min(1).optional() }),
  hyperparameters: z.record(z.string(), z.json()).default({}),
}).superRefine((manifest, context) => {
  if (manifest.task === 'classification' && (!manifest.outputs.probabilities || manifest.labels.length < 2)) {
    context.addIssue({ code: 'custom', message: 'a classification model names its probabilities output and at least two labels' });
  }
  if (manifest.task === 'regression' && !manifest.outputs.value) context.addIssue({ code: 'custom', message: 'a regression model names its value output' });
  if (manifest.matrixInput && manifest.features.some((f) => f.kind !== 'numeric')) {
    context.addIssue({ code: 'custom', message: 'a matrix input takes numeric features only' });
  }
});
export type OnnxManifest = z.infer<typeof OnnxManifestSchema>;
