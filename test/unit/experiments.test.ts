import { describe, expect, it } from 'vitest';
import { compareExperiments } from '../../lib/experiments/compareExperiments';
import { parseMetricFilter } from '../../lib/experiments/metricFilter';
import type { Experiment } from '../../lib/store/experimentsTable';

describe('metric conditions', () => {
  it('reads conditions joined by commas or "and", with every operator and number form', () => {
    expect(parseMetricFilter('accuracy>0.8, rmse <= 3 and f1.macro!=1e-3 AND loss<.5 , n>=-2, x=7')).toEqual([
      { metric: 'accuracy', op: '>', value: 0.8 },
      { metric: 'rmse', op: '<=', value: 3 },
      { metric: 'f1.macro', op: '!=', value: 0.001 },
      { metric: 'loss', op: '<', value: 0.5 },
      { metric: 'n', op: '>=', value: -2 },
      { metric: 'x', op: '=', value: 7 },
    ]);
  });

  it('names the part it cannot read', () => {
    expect(() => parseMetricFilter('')).toThrow(/expected conditions such as/);
    expect(() => parseMetricFilter('accuracy>0.8, rmse ~ 3')).toThrow(/'rmse ~ 3' is not a condition/);
    expect(() => parseMetricFilter('accuracy > high')).toThrow(/'accuracy > high' is not a condition/);
    expect(() => parseMetricFilter("x>1; DROP TABLE experiments")).toThrow(/is not a condition/);
  });
});

describe('comparing two experiments', () => {
  const base: Experiment = {
    id: 1,
    runId: 'run-a',
    step: 'train',
    attempt: 1,
    pipeline: 'p',
    specHash: 's1',
    activity: 'train',
    algorithm: 'logistic-regression',
    params: { l2: 0.001, target: 'y', features: ['a', 'b'] },
    metrics: { accuracy: 0.8, trainRows: 100 },
    datasetSha256: 'd1',
    codeVersion: 'c1',
    durationMs: 1200,
    createdAt: '2026-12-06T00:00:00.000Z',
  };

  it('puts every param and metric side by side, with differences and deltas, and says what else changed', () => {
    const other: Experiment = { ...base, id: 2, runId: 'run-b', params: { l2: 0.01, target: 'y', features: ['a', 'b'], rounds: 5 }, metrics: { accuracy: 0.85, rmse: 2 }, datasetSha256: 'd2' };
    const comparison = compareExperiments(base, other);
    expect(comparison.params).toEqual([
      { name: 'features', a: ['a', 'b'], b: ['a', 'b'], differs: false },
      { name: 'l2', a: 0.001, b: 0.01, differs: true },
      { name: 'rounds', a: null, b: 5, differs: true },
      { name: 'target', a: 'y', b: 'y', differs: false },
    ]);
    expect(comparison.metrics).toEqual([
      { name: 'accuracy', a: 0.8, b: 0.85, delta: expect.closeTo(0.05, 12) },
      { name: 'rmse', a: null, b: 2, delta: null },
      { name: 'trainRows', a: 100, b: null, delta: null },
    ]);
    expect(comparison.dataset).toEqual({ a: 'd1', b: 'd2', same: false });
    expect(comparison.code.same).toBe(true);
    expect(comparison.a).toMatchObject({ id: 1, runId: 'run-a' });
  });
});
