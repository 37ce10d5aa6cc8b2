/**
 * boosted-trees: Cairn's gradient-boosted trees beside scikit-learn's HistGradientBoostingClassifier,
 * LightGBM and XGBoost (hist), each on one thread, on the same 100k x 20 matrix (3 classes from a
 * known non-linear model plus noise, 80/20 split), with the same settings: 100 rounds, depth 4 (at
 * most 16 leaves), learning rate 0.1, L2 1 on leaves, 64 bins, no early stopping. Rounds alternate
 * between them; medians of three. Speed only counts at equal quality, so each reports holdout
 * accuracy, and McNemar's test against Cairn says whether a difference is more than chance. Every
 * fit runs in a process of its own: Cairn's from a bundle, as its compiled package runs it
 * (bench/compiledNodeFit.ts says why not in this one).
 */
import { compiledNodeFit } from './compiledNodeFit';
import type { FitOutcome } from './fitInProcess';
import { pythonFit, type BaselineModel } from './pythonBaseline';
import { syntheticClasses } from './syntheticClasses';
import { percentile, round } from './stats';
import { chiSquareSurvival } from '../lib/drift/distributions';

const ROWS = 100_000;
const FEATURES = 20;
const CLASSES = 3;
const TRAIN_ROWS = 80_000;
const ROUNDS = 3;
const SETTINGS = { rounds: 100, learningRate: 0.1, maxDepth: 4, l2: 1, minChildWeight: 1, bins: 64 };
/** The same settings in each library's words; LightGBM grows leaf-wise, so its leaves are capped at a depth-4 tree's 16. */
const BASELINES: { name: string; key: string; model: BaselineModel; params: Record<string, unknown> }[] = [
  { name: 'scikit-learn HistGradientBoostingClassifier', key: 'sklearn', model: 'hist-gradient-boosting', params: { max_iter: 100, learning_rate: 0.1, max_depth: 4, l2_regularization: 1.0, max_bins: 64, early_stopping: false, random_state: 0 } },
  { name: 'LightGBM 4.7 LGBMClassifier', key: 'lightgbm', model: 'lightgbm', params: { n_estimators: 100, learning_rate: 0.1, max_depth: 4, num_leaves: 16, reg_lambda: 1.0, max_bin: 64, min_child_weight: 1, random_state: 0 } },
  { name: 'XGBoost 3.2 XGBClassifier (hist)', key: 'xgboost', model: 'xgboost', params: { n_estimators: 100, learning_rate: 0.1, max_depth: 4, reg_lambda: 1.0, max_bin: 64, min_child_weight: 1, tree_method: 'hist', random_state: 0 } },
];


/**
 * McNemar's test on the holdout rows the two models disagree about being right on: whether one is
 * more accurate than the other beyond chance (a p-value well above 0.05 means equal accuracy).
 */
function mcNemar(a: Int32Array, b: Int32Array, y: Int32Array): { onlyA: number; onlyB: number; pValue: number } {
  let onlyA = 0;
  let onlyB = 0;
  for (let i = 0; i < a.length; i++) {
    const truth = y[TRAIN_ROWS + i];
    if (a[i] === truth && b[i] !== truth) onlyA += 1;
    if (b[i] === truth && a[i] !== truth) onlyB += 1;
  }
  const statistic = onlyA + onlyB === 0 ? 0 : (Math.abs(onlyA - onlyB) - 1) ** 2 / (onlyA + onlyB);
  return { onlyA, onlyB, pValue: chiSquareSurvival(statistic, 1) };
}

export async function boostedTrees(): Promise<string> {
  // Non-linear in the inputs (tanh, products), so trees have something to find that a linear model cannot.
  const { x, y } = syntheticClasses({ rows: ROWS, features: FEATURES, classes: CLASSES, noise: 1, term: (v, f) => Math.tanh(v) * (f % 2 ? v : 1) });
  const cairn: FitOutcome[] = [];
  const baselines: FitOutcome[][] = BASELINES.map(() => []);
  for (let i = 0; i < ROUNDS; i++) {
    const data = { x, y, features: FEATURES, trainRows: TRAIN_ROWS };
    BASELINES.forEach(({ model, params }, b) => baselines[b]!.push(pythonFit(model, data, params)));
    cairn.push(compiledNodeFit('fitBoostedTrees', data, { classes: CLASSES, settings: SETTINGS }));
  }
  const median = (fits: FitOutcome[]) => percentile(fits.map((f) => f.seconds), 50);
  const c = median(cairn);
  console.log(`node ${process.version}`);
  console.log(`data: ${ROWS} rows x ${FEATURES} features, ${CLASSES} classes, 80/20 split; 100 rounds, depth 4, 64 bins, one thread each; ${ROUNDS} rounds alternating`);
  console.log(`cairn boosted trees: ${cairn.map((r) => r.seconds.toFixed(2)).join(' / ')} s (median ${c.toFixed(2)}), holdout accuracy ${cairn[0]!.accuracy.toFixed(4)}`);
  const figures = [`rows=${ROWS} features=${FEATURES} cairn_s=${round(c)} cairn_accuracy=${round(cairn[0]!.accuracy, 4)}`];
  BASELINES.forEach(({ name, key }, b) => {
    const fits = baselines[b]!;
    const s = median(fits);
    const paired = mcNemar(cairn[0]!.predicted, fits[0]!.predicted, y);
    console.log(`${name}: ${fits.map((r) => r.seconds.toFixed(2)).join(' / ')} s (median ${s.toFixed(2)}), holdout accuracy ${fits[0]!.accuracy.toFixed(4)}`);
    console.log(`  Cairn takes ${round(c / s)}x its time; accuracy difference ${round((cairn[0]!.accuracy - fits[0]!.accuracy) * 100, 2)} points; on the ${ROWS - TRAIN_ROWS} holdout rows right only for Cairn ${paired.onlyA}, only for it ${paired.onlyB}, McNemar p = ${round(paired.pValue, 3)}`);
    // The scikit-learn figures keep their first names (ratio, mcnemar_p), so earlier RESULT lines still compare.
    const suffix = key === 'sklearn' ? '' : `_${key}`;
    figures.push(`${key}_s=${round(s)} ${key}_accuracy=${round(fits[0]!.accuracy, 4)} ratio${suffix}=${round(c / s)} mcnemar_p${suffix}=${round(paired.pValue, 3)}`);
  });
  return `${figures.join(' ')} node=${process.version}`;
}
