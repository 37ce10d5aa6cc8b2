import { z } from 'zod';
import { yieldToEventLoop } from '../progress';
import { leafValue, type TreeNode } from './gradientBoosting';

/** How raw columns become model inputs; learned from the training split only. */
export const PreprocessingSchema = z.object({
  numeric: z.array(z.object({ name: z.string(), mean: z.number(), std: z.number().positive() })),
  categorical: z.array(z.object({ name: z.string(), categories: z.array(z.string()) })),
});

/**
 * A model is a JSON document, never code: the format version, the algorithm, the feature schema
 * and preprocessing, the learned parameters and the label set. predict() is the only interpreter.
 */
export const ModelDocumentSchema = z.object({
  formatVersion: z.literal(1),
  algorithm: z.enum(['logistic-regression', 'ridge-regression', 'gradient-boosted-trees']),
  task: z.enum(['classification', 'regression']),
  target: z.string(),
  features: z.array(z.object({ name: z.string(), kind: z.enum(['numeric', 'categorical']) })),
  preprocessing: PreprocessingSchema,
  /** Classification: one weight row per label over the encoded inputs; regression: one row. */
  weights: z.array(z.array(z.number())),
  bias: z.array(z.number()),
  labels: z.array(z.string()),
  /** Gradient-boosted trees: per round, one tree per label, as plain node arrays; scores start at baseScores. */
  trees: z
    .object({
      baseScores: z.array(z.number()),
      rounds: z.array(z.array(z.array(z.object({ feature: z.number().int(), threshold: z.number(), left: z.number().int(), right: z.number().int(), value: z.number() })))),
    })
    .optional(),
  hyperparameters: z.record(z.string(), z.json()),
});
export type ModelDocument = z.infer<typeof ModelDocumentSchema>;
export type Preprocessing = z.infer<typeof PreprocessingSchema>;

/** Width of the encoded input: one per numeric feature, one per category of each categorical one. */
export function encodedWidth(preprocessing: Preprocessing): number {
  return preprocessing.numeric.length + preprocessing.categorical.reduce((n, c) => n + c.categories.length, 0);
}

/** Encodes one raw row: standardized numbers (a missing one becomes the training mean, i.e. 0), one-hot categories. */
export function encodeRow(preprocessing: Preprocessing, row: Record<string, unknown>, into: Float64Array, offset = 0): void {
  let k = offset;
  for (const { name, mean, std } of preprocessing.numeric) {
    const value = row[name];
    into[k++] = typeof value === 'number' && Number.isFinite(value) ? (value - mean) / std : 0;
  }
  for (const { name, categories } of preprocessing.categorical) {
    const value = row[name] === null || row[name] === undefined ? undefined : String(row[name]);
    for (const category of categories) into[k++] = value === category ? 1 : 0;
  }
}

/** Pure inference, shared by evaluation and serving: class probabilities or a predicted value per row. */
export function predict(model: ModelDocument, rows: Record<string, unknown>[]): { label?: string; probabilities?: number[]; value?: number }[] {
  const width = encodedWidth(model.preprocessing);
  const x = new Float64Array(width);
  return rows.map((row) => {
    encodeRow(model.preprocessing, row, x);
    const trees = model.trees;
    const scores = trees
      ? trees.baseScores.map((base, c) => trees.rounds.reduce((sum, round) => sum + leafValue(round[c] as TreeNode[], x), base))
      : model.weights.map((w, c) => w.reduce((sum, wi, i) => sum + wi * (x[i] as number), model.bias[c] as number));
    if (model.task === 'regression') return { value: scores[0] as number };
    const max = Math.max(...scores);
    const exp = scores.map((s) => Math.exp(s - max));
    const total = exp.reduce((a, b) => a + b, 0);
    const probabilities = exp.map((e) => e / total);
    return { label: model.labels[probabilities.indexOf(Math.max(...probabilities))] as string, probabilities };
  });
}

/** Rows predicted between two yields to the event loop: a served request is one piece, an evaluation many. */
const PREDICT_CHUNK_ROWS = 2_000;

/** predict() over many rows without holding the event loop: it yields between chunks of rows. */
export async function predictYielding(model: ModelDocument, rows: Record<string, unknown>[]): Promise<ReturnType<typeof predict>> {
  if (rows.length <= PREDICT_CHUNK_ROWS) return predict(model, rows);
  const predictions: ReturnType<typeof predict> = [];
  for (let start = 0; start < rows.length; start += PREDICT_CHUNK_ROWS) {
    predictions.push(...predict(model, rows.slice(start, start + PREDICT_CHUNK_ROWS)));
    await yieldToEventLoop();
  }
  return predictions;
}
