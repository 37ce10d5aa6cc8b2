/**
 * boosted-trees: Cairn's gradient-boosted trees beside scikit-learn's HistGradientBoostingClassifier
 * on one thread, on the same 100k x 20 matrix (3 classes from a known non-linear model plus noise,
 * 80/20 split), with the same settings: 100 rounds, depth 4, learning rate 0.1, L2 1 on leaves,
 * 64 bins, no early stopping. Rounds alternate between the two; medians of three. Speed only counts
 * at equal quality, so both report holdout accuracy.
 */
import { fitGradientBoosting, leafValue, type BoostedTrees } from '../lib/ml/gradientBoosting';
import { sklearnFit } from './sklearnBaseline';
import { syntheticClasses } from './syntheticClasses';
import { percentile, round } from './stats';

const ROWS = 100_000;
const FEATURES = 20;
const CLASSES = 3;
const TRAIN_ROWS = 80_000;
const ROUNDS = 3;
const SETTINGS = { rounds: 100, learningRate: 0.1, maxDepth: 4, l2: 1, minChildWeight: 1, bins: 64 };
const SKLEARN = { max_iter: 100, learning_rate: 0.1, max_depth: 4, l2_regularization: 1.0, max_bins: 64, early_stopping: false, random_state: 0 };


function accuracy(model: BoostedTrees, x: Float64Array, y: Int32Array): number {
  let correct = 0;
  for (let r = TRAIN_ROWS; r < ROWS; r++) {
    const scores = model.baseScores.map((base, c) => model.trees.reduce((sum, round) => sum + leafValue(round[c]!, x, r * FEATURES), base));
    if (scores.indexOf(Math.max(...scores)) === y[r]) correct += 1;
  }
  return correct / (ROWS - TRAIN_ROWS);
}

export async function boostedTrees(): Promise<string> {
  // Non-linear in the inputs (tanh, products), so trees have something to find that a linear model cannot.
  const { x, y } = syntheticClasses({ rows: ROWS, features: FEATURES, classes: CLASSES, noise: 1, term: (v, f) => Math.tanh(v) * (f % 2 ? v : 1) });
  const cairn: { seconds: number; accuracy: number }[] = [];
  const sklearn: { seconds: number; accuracy: number }[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    sklearn.push(sklearnFit('hist-gradient-boosting', { x, y, features: FEATURES, trainRows: TRAIN_ROWS }, SKLEARN));
    const t0 = performance.now();
    const model = await fitGradientBoosting(x.subarray(0, TRAIN_ROWS * FEATURES), y.subarray(0, TRAIN_ROWS), FEATURES, CLASSES, SETTINGS);
    cairn.push({ seconds: (performance.now() - t0) / 1000, accuracy: accuracy(model, x, y) });
  }
  const median = (xs: { seconds: number }[]) => percentile(xs.map((s) => s.seconds), 50);
  const c = median(cairn);
  const s = median(sklearn);
  console.log(`data: ${ROWS} rows x ${FEATURES} features, ${CLASSES} classes, 80/20 split; 100 rounds, depth 4, 64 bins, one thread each; ${ROUNDS} rounds alternating`);
  console.log(`cairn boosted trees: ${cairn.map((r) => r.seconds.toFixed(2)).join(' / ')} s (median ${c.toFixed(2)}), holdout accuracy ${cairn[0]!.accuracy.toFixed(4)}`);
  console.log(`scikit-learn HistGradientBoostingClassifier: ${sklearn.map((r) => r.seconds.toFixed(2)).join(' / ')} s (median ${s.toFixed(2)}), holdout accuracy ${sklearn[0]!.accuracy.toFixed(4)}`);
  console.log(`ratio: ${round(c / s)}x scikit-learn's time; accuracy difference ${round((cairn[0]!.accuracy - sklearn[0]!.accuracy) * 100, 2)} points`);
  return `rows=${ROWS} features=${FEATURES} cairn_s=${round(c)} cairn_accuracy=${round(cairn[0]!.accuracy, 4)} sklearn_s=${round(s)} sklearn_accuracy=${round(sklearn[0]!.accuracy, 4)} ratio=${round(c / s)}`;
}
