/** Classification and regression metrics, computed from predictions and truths. */

export interface ClassificationMetrics {
  accuracy: number;
  macroF1: number;
  logLoss: number;
  /** Binary: the ROC-AUC of the second label; multiclass: the mean one-vs-rest ROC-AUC. */
  rocAuc: number | null;
  labels: string[];
  /** confusion[i][j]: rows of true label i predicted as label j. */
  confusion: number[][];
}

export interface RegressionMetrics {
  rmse: number;
  mae: number;
  r2: number;
}

/** ROC-AUC by the rank statistic (ties get their average rank); null when one class is absent. */
export function rocAuc(scores: number[], positive: boolean[]): number | null {
  const order = scores.map((s, i) => [s, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(scores.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) ranks[order[k]![1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  const positives = positive.filter(Boolean).length;
  const negatives = positive.length - positives;
  if (positives === 0 || negatives === 0) return null;
  const rankSum = ranks.reduce((sum, r, i) => sum + (positive[i] ? r : 0), 0);
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function classificationMetrics(labels: string[], truths: string[], probabilities: number[][]): ClassificationMetrics {
  const k = labels.length;
  const confusion = labels.map(() => new Array<number>(k).fill(0));
  let correct = 0;
  let logLoss = 0;
  truths.forEach((truth, row) => {
    const p = probabilities[row] as number[];
    const predicted = p.indexOf(Math.max(...p));
    const actual = labels.indexOf(truth);
    if (actual >= 0) {
      (confusion[actual] as number[])[predicted] = ((confusion[actual] as number[])[predicted] as number) + 1;
      if (actual === predicted) correct += 1;
    }
    logLoss -= Math.log(Math.min(1 - 1e-15, Math.max(1e-15, actual >= 0 ? (p[actual] as number) : 0)));
  });
  const f1s = labels.map((_, c) => {
    const tp = (confusion[c] as number[])[c] as number;
    const predictedAsC = confusion.reduce((sum, row) => sum + (row[c] as number), 0);
    const actualC = (confusion[c] as number[]).reduce((a, b) => a + b, 0);
    const precision = predictedAsC ? tp / predictedAsC : 0;
    const recall = actualC ? tp / actualC : 0;
    return precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  });
  const aucs = (k === 2 ? [1] : labels.map((_, c) => c))
    .map((c) => rocAuc(probabilities.map((p) => p[c] as number), truths.map((t) => t === labels[c])))
    .filter((auc): auc is number => auc !== null);
  return {
    accuracy: truths.length ? correct / truths.length : 0,
    macroF1: f1s.reduce((a, b) => a + b, 0) / Math.max(1, k),
    logLoss: logLoss / Math.max(1, truths.length),
    rocAuc: aucs.length ? aucs.reduce((a, b) => a + b, 0) / aucs.length : null,
    labels,
    confusion,
  };
}

export function regressionMetrics(truths: number[], predictions: number[]): RegressionMetrics {
  const n = Math.max(1, truths.length);
  const mean = truths.reduce((a, b) => a + b, 0) / n;
  let squared = 0;
  let absolute = 0;
  let total = 0;
  truths.forEach((t, i) => {
    const error = (predictions[i] as number) - t;
    squared += error * error;
    absolute += Math.abs(error);
    total += (t - mean) ** 2;
  });
  return { rmse: Math.sqrt(squared / n), mae: absolute / n, r2: total ? 1 - squared / total : 0 };
}
