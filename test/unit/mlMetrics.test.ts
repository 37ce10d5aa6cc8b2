import { describe, expect, it } from 'vitest';
import { classificationMetrics, regressionMetrics, rocAuc } from '../../lib/ml/metrics';
import { stratifiedSplit } from '../../lib/ml/split';

// Reference figures computed once with scikit-learn 1.9.1 on the same inputs:
//   roc_auc_score([0,0,1,1,1], [0.1,0.4,0.35,0.8,0.4]) = 0.75
//   f1_score(y, argmax, average='macro') = 0.7222222222, log_loss(y, p) = 0.6717946474,
//   roc_auc_score(y, p, multi_class='ovr') = 0.9222222222
describe('model metrics', () => {
  it('matches scikit-learn on ROC-AUC with ties', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8, 0.4], [false, false, true, true, true])).toBeCloseTo(0.75, 10);
    expect(rocAuc([0.1, 0.2], [true, true])).toBeNull();
  });

  it('matches scikit-learn on macro-F1, log loss and one-vs-rest ROC-AUC', () => {
    const labels = ['a', 'b', 'c'];
    const truths = ['a', 'b', 'c', 'a', 'b', 'c', 'a'];
    const p = [[0.7, 0.2, 0.1], [0.2, 0.5, 0.3], [0.1, 0.3, 0.6], [0.3, 0.4, 0.3], [0.6, 0.3, 0.1], [0.2, 0.2, 0.6], [0.8, 0.1, 0.1]];
    const metrics = classificationMetrics(labels, truths, p);
    expect(metrics.accuracy).toBeCloseTo(5 / 7, 10);
    expect(metrics.macroF1).toBeCloseTo(0.7222222222, 9);
    expect(metrics.logLoss).toBeCloseTo(0.6717946474, 9);
    expect(metrics.rocAuc).toBeCloseTo(0.9222222222, 9);
    expect(metrics.confusion).toEqual([
      [2, 1, 0],
      [1, 1, 0],
      [0, 0, 2],
    ]);
  });

  it('computes RMSE, MAE and R²', () => {
    expect(regressionMetrics([1, 2, 3, 4], [1, 2, 3, 5])).toEqual({ rmse: 0.5, mae: 0.25, r2: 0.8 });
  });

  it('splits reproducibly and keeps each label in proportion', () => {
    const labels = [...Array(80).fill('x'), ...Array(20).fill('y')] as string[];
    const split = stratifiedSplit(labels, 0.25, 7);
    expect(split).toEqual(stratifiedSplit(labels, 0.25, 7));
    expect(split.test.filter((i) => labels[i] === 'y')).toHaveLength(5);
    expect(split.test).toHaveLength(25);
    expect(new Set([...split.train, ...split.test]).size).toBe(100);
  });
});
