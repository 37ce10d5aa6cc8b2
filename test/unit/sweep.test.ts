import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pickBest } from '../../activities/pickBest';
import { compile, definePipeline, sweep } from '../../lib/dsl';
import { sweepTrials } from '../../lib/ml/sweepTrials';

// A sweep's trials are fixed when definitions load (a grid's every combination, or seeded draws
// inside their ranges), each checked as a training config; pick-best chooses by the declared metric
// and direction, ignores trials that failed, and says so when none reported the metric.
describe('sweep trials', () => {
  it('lists every combination of a grid, the last key fastest', () => {
    expect(sweepTrials({ grid: { depth: [2, 4], rate: [0.1, 0.3, 1] } })).toEqual([
      { depth: 2, rate: 0.1 },
      { depth: 2, rate: 0.3 },
      { depth: 2, rate: 1 },
      { depth: 4, rate: 0.1 },
      { depth: 4, rate: 0.3 },
      { depth: 4, rate: 1 },
    ]);
  });

  it('draws random trials inside their ranges, the same ones for the same seed', () => {
    const search = { random: { rate: { min: 0.001, max: 0.5, log: true }, depth: { min: 2, max: 6, integer: true }, kind: ['a', 'b'] }, trials: 200, seed: 7 };
    const trials = sweepTrials(search);
    expect(trials).toHaveLength(200);
    expect(sweepTrials(search)).toEqual(trials);
    expect(sweepTrials({ ...search, seed: 8 })).not.toEqual(trials);
    for (const trial of trials) {
      expect(trial.rate as number).toBeGreaterThanOrEqual(0.001);
      expect(trial.rate as number).toBeLessThanOrEqual(0.5);
      expect(Number.isInteger(trial.depth)).toBe(true);
      expect(['a', 'b']).toContain(trial.kind);
    }
    // Every depth 2..6 is drawn, and a log range puts as many draws below its geometric middle as above.
    expect(new Set(trials.map((t) => t.depth))).toEqual(new Set([2, 3, 4, 5, 6]));
    const below = trials.filter((t) => (t.rate as number) < Math.sqrt(0.001 * 0.5)).length;
    expect(below).toBeGreaterThan(70);
    expect(below).toBeLessThan(130);
  });

  it('refuses a bad search, and a trial that is not a training config, when definitions load', () => {
    expect(() => sweepTrials({ random: { rate: { min: 1, max: 0.1 } }, trials: 3 })).toThrow(/max must be at least min/);
    const base = { after: ['data'] as const, train: { target: 'y' }, metric: 'accuracy' };
    expect(() => sweep('tune', { ...base, search: { grid: { maxDepth: [2, 40] } } })).toThrow(/sweep 'tune': trial 1 \(\{"maxDepth":40\}\) is not a training config: maxDepth: .*<=12/);
    expect(() => sweep('tune', { ...base, search: { grid: { maxDepht: [2] } } })).toThrow(/sweep 'tune': trial 0 .*Unrecognized key.*maxDepht/);
    expect(() => sweep('tune', { ...base, search: { grid: { a: Array.from({ length: 40 }, (_, i) => i), b: Array.from({ length: 40 }, (_, i) => i) } } })).toThrow(/1600 trials, over the 1000 one sweep runs/);
  });

  it('refuses a metric evaluate does not report, or not for the model the trials train', () => {
    const base = { after: ['data'] as const, train: { target: 'y' }, search: { grid: { maxDepth: [2, 3] } } };
    expect(() => sweep('tune', { ...base, metric: 'f1Macro' })).toThrow("sweep 'tune': metric 'f1Macro' is not one evaluate reports (higher is better: accuracy, macroF1, rocAuc, r2; lower: logLoss, rmse, mae)");
    expect(() => sweep('tune', { ...base, metric: 'rmse' })).toThrow("sweep 'tune': metric 'rmse' is not reported for a classification model (trial 0 trains logistic-regression): use accuracy, macroF1, rocAuc, logLoss");
    expect(() => sweep('tune', { ...base, train: { target: 'y', algorithm: 'ridge-regression' }, search: { grid: { l2: [0.1, 1] } }, metric: 'accuracy' })).toThrow(/metric 'accuracy' is not reported for a regression model \(trial 0 trains ridge-regression\): use rmse, mae, r2/);
    expect(() => sweep('tune', { ...base, train: { target: 'y', algorithm: 'ridge-regression' }, search: { grid: { l2: [0.1, 1] } }, metric: 'rmse' })).not.toThrow();
  });

  it("leaves the direction to the metric unless told: a sweep over rmse keeps the lowest", () => {
    const regression = { after: ['data'] as const, train: { target: 'y', algorithm: 'ridge-regression' as const }, search: { grid: { l2: [0.1, 1] } } };
    const best = (options: object) => (sweep('tune', { ...regression, metric: 'rmse', ...options }) as Record<string, { config: Record<string, unknown> }>)['tune-best']!.config;
    expect(best({})).not.toHaveProperty('direction');
    expect(best({ direction: 'max' })).toMatchObject({ direction: 'max' });
  });

  it('compiles into a map over the trials (train with the trial merged, then evaluate) and a pick-best step', () => {
    const pipeline = definePipeline({
      id: 'unit-sweep',
      params: z.object({}),
      steps: {
        data: { activity: 'ingest', config: { source: 'x.csv' } },
        ...sweep('tune', { after: ['data'], train: { target: 'y' }, search: { grid: { maxDepth: [2, 3] } }, metric: 'logLoss', direction: 'min', concurrency: 3 }),
        entry: { activity: 'register', after: ['tune-best'], config: { model: 'm' } },
      },
    });
    const steps = compile(pipeline).spec.steps;
    const tune = steps.find((s) => s.name === 'tune')!;
    expect(tune.map).toMatchObject({ over: { items: [{ maxDepth: 2 }, { maxDepth: 3 }] }, concurrency: 3, result: ['train', 'evaluate'] });
    expect(tune.map!.steps!.map((s) => [s.name, s.activity, s.itemConfig ?? false])).toEqual([
      ['train', 'train', true],
      ['evaluate', 'evaluate', false],
    ]);
    expect(steps.find((s) => s.name === 'tune-best')!.config).toEqual({ from: 'tune', metric: 'logLoss', direction: 'min', trials: [{ maxDepth: 2 }, { maxDepth: 3 }] });
  });
});

describe('pick-best', () => {
  const run = { runId: 'r1', step: 'tune-best' } as never;
  const trial = (accuracy: unknown) => ({ train: {}, evaluate: { model: { uri: 'm' }, metrics: { accuracy } } });
  const pick = (trials: unknown[], config: Record<string, unknown>) =>
    (async () => pickBest.run({ run, config: pickBest.config!.parse({ from: 'tune', trials: trials.map((_, i) => ({ i })), ...config }), upstream: { tune: trials as never } }, {} as never))();

  it('chooses the best by the metric and direction, the first on a tie, skipping failed trials', async () => {
    const trials = [trial(0.8), null, trial(0.9), trial(0.9), trial('n/a')];
    expect(await pick(trials, { metric: 'accuracy' })).toMatchObject({ trial: 2, params: { i: 2 }, metrics: { accuracy: 0.9 }, sweep: { best: 2 } });
    expect(await pick(trials, { metric: 'accuracy', direction: 'min' })).toMatchObject({ trial: 0 });
    const summary = ((await pick(trials, { metric: 'accuracy' })) as { sweep: { trials: unknown[] } }).sweep.trials;
    expect(summary).toEqual([
      { index: 0, params: { i: 0 }, value: 0.8, status: 'succeeded' },
      { index: 1, params: { i: 1 }, value: null, status: 'failed' },
      { index: 2, params: { i: 2 }, value: 0.9, status: 'succeeded' },
      { index: 3, params: { i: 3 }, value: 0.9, status: 'succeeded' },
      { index: 4, params: { i: 4 }, value: null, status: 'succeeded' },
    ]);
  });

  it("goes by the metric's own direction unless told, and asks for one for a metric it does not know", async () => {
    const scored = (metrics: Record<string, number>) => ({ train: {}, evaluate: { model: { uri: 'm' }, metrics } });
    const trials = [scored({ rmse: 3, r2: 0.5, custom: 1 }), scored({ rmse: 2, r2: 0.7, custom: 5 }), scored({ rmse: 4, r2: 0.2, custom: 3 })];
    expect(await pick(trials, { metric: 'rmse' })).toMatchObject({ trial: 1, sweep: { direction: 'min' } });
    expect(await pick(trials, { metric: 'r2' })).toMatchObject({ trial: 1, sweep: { direction: 'max' } });
    expect(await pick(trials, { metric: 'rmse', direction: 'max' })).toMatchObject({ trial: 2, sweep: { direction: 'max' } });
    expect(await pick(trials, { metric: 'custom', direction: 'min' })).toMatchObject({ trial: 0 });
    const refused = pickBest.config!.safeParse({ metric: 'custom' });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]).toMatchObject({ path: ['direction'], message: expect.stringMatching(/^give 'max' or 'min': Cairn knows which way is better only for the metrics evaluate reports \(higher is better: accuracy, .*\), not for 'custom'$/) });
  });

  it('names the metrics there are when no trial reported the one asked for', async () => {
    await expect(pick([trial(0.8)], { metric: 'f1', direction: 'max' })).rejects.toThrow(/no trial of 'tune' reported a numeric 'f1'; its metrics: accuracy/);
    await expect(pick([null, null], { metric: 'accuracy' })).rejects.toThrow(/\(no trial succeeded\)/);
  });
});
