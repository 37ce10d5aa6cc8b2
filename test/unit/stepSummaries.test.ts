import { describe, expect, it } from 'vitest';
import { stageSummary } from '../../lib/stepSummaries';
import { deployStage } from '../../lib/stages/deploy';
import { evaluateStage } from '../../lib/stages/evaluate';
import { ingestStage } from '../../lib/stages/ingest';
import { monitorStage } from '../../lib/stages/monitor';
import { registerStage } from '../../lib/stages/register';
import { trainStage } from '../../lib/stages/train';
import { validateStage } from '../../lib/stages/validate';

// Each output is parsed by its stage's published contract first, so these are outputs the stages can
// really produce; the lines are what `cairn run --wait` promises a person reads instead of hashes.
const ref = (hex: string, mediaType = 'application/vnd.apache.parquet') => ({ uri: `cas://sha256/${hex.repeat(64 / hex.length)}`, sha256: hex.repeat(64 / hex.length), size: 10, mediaType });

describe('what a built-in stage produced, in words', () => {
  it('ingest: rows, columns, the dialect when it is not plain commas, the dataset', () => {
    const output = ingestStage.output.parse({ dataset: ref('ab'), profile: ref('cd', 'application/json'), rows: 1461, columns: [{ name: 'a', type: 'DOUBLE' }, { name: 'b', type: 'VARCHAR' }], source: { kind: 'file', format: 'csv', csv: { delimiter: ';', decimalSeparator: ',' } } });
    expect(stageSummary('ingest', output)).toBe("1,461 rows x 2 columns (CSV delimited by ';', decimals ','): dataset abababababab");
    expect(stageSummary('ingest', { ...output, source: { kind: 'file', format: 'parquet' } })).toBe('1,461 rows x 2 columns: dataset abababababab');
    // A step's own dataset (runtime.writeDataset's output as it is) reads the same; anything more is the step's JSON.
    const written = { dataset: output.dataset, profile: output.profile, rows: 12, columns: [{ name: 'a', type: 'DOUBLE' }] };
    expect(stageSummary('churn-features', written)).toBe('12 rows x 1 column: dataset abababababab');
    expect(stageSummary('churn-features', { ...written, note: 'mine' })).toBeUndefined();
  });

  it('validate: rows and invalid rows', () => {
    const output = validateStage.output.parse({ dataset: ref('ab'), report: ref('cd', 'application/json'), rows: 20000, invalidRows: 3, invalidFraction: 0.00015, passed: true });
    expect(stageSummary('validate', output)).toBe('20,000 rows, 3 invalid (0.01%): passed');
  });

  it('train: the algorithm, the holdout score, dropped rows and the columns left out', () => {
    const output = trainStage.output.parse({
      model: ref('ef', 'application/vnd.cairn.model+json'),
      dataset: ref('ab'),
      algorithm: 'gradient-boosted-trees',
      task: 'classification',
      target: 'label',
      labels: ['no', 'yes'],
      split: { testFraction: 0.2, seed: 42 },
      leftOut: ['when', 'id', 'a', 'b', 'c', 'd', 'e'].map((column) => ({ column, reason: 'x' })),
      metrics: { trainRows: 80000, testRows: 20000, droppedRows: 12, iterations: 100, trainScore: 0.91, holdoutScore: 0.873456, metric: 'accuracy' },
    });
    expect(stageSummary('train', output)).toBe('gradient-boosted-trees on 80,000 rows: holdout accuracy 0.8735 (20,000 rows); 12 rows without a target dropped; left out: when, id, a, b, c and 2 more');
    // A run recorded before train listed what it left out.
    const { leftOut: _, ...older } = output;
    expect(stageSummary('train', { ...older, metrics: { ...older.metrics, droppedRows: 0 } })).toBe('gradient-boosted-trees on 80,000 rows: holdout accuracy 0.8735 (20,000 rows)');
  });

  it('evaluate: the primary metric, and how production compared', () => {
    const base = { model: ref('ef'), dataset: ref('ab'), metrics: { rmse: 56.39381, r2: 0.45 }, primaryMetric: 'rmse', holdoutRows: 89, evaluatedOn: { kind: 'holdout', dataset: ref('ab') }, report: ref('12', 'application/json') };
    expect(stageSummary('evaluate', evaluateStage.output.parse({ ...base, comparison: null }))).toBe('rmse 56.39 on 89 holdout rows');
    expect(stageSummary('evaluate', evaluateStage.output.parse({ ...base, comparison: { model: 'diab', alias: 'production', version: null, metrics: null, candidateIsBetter: null } }))).toBe('rmse 56.39 on 89 holdout rows; no diab production version to compare with');
    expect(stageSummary('evaluate', evaluateStage.output.parse({ ...base, comparison: { model: 'diab', alias: 'production', version: 3, metrics: { rmse: 60.1 }, candidateIsBetter: true } }))).toBe('rmse 56.39 on 89 holdout rows; production v3 60.1: better');
    const notCompared = { model: 'diab', alias: 'production', version: 3, metrics: null, candidateIsBetter: null, notCompared: "v3 reads 'bmi', which these rows do not have" };
    expect(stageSummary('evaluate', evaluateStage.output.parse({ ...base, comparison: notCompared }))).toBe("rmse 56.39 on 89 holdout rows; production not compared: v3 reads 'bmi', which these rows do not have");
  });

  it('register, deploy and monitor', () => {
    expect(stageSummary('register', registerStage.output.parse({ model: 'wine', version: 3, created: true, modelRef: ref('ef') }))).toBe('wine v3');
    expect(stageSummary('deploy', deployStage.output.parse({ model: 'wine', alias: 'production', version: 3, previous: null, moved: true }))).toBe('wine production: (none) -> v3');
    expect(stageSummary('deploy', deployStage.output.parse({ model: 'wine', alias: 'production', version: 3, previous: 3, moved: false }))).toBe('wine production: stays v3');
    const checked = monitorStage.output.parse({ reportId: 1, status: 'checked', model: 'wine', version: 3, drifted: true, driftedFeatures: ['temp', 'wind'], rows: 920, accuracy: 0.84 });
    expect(stageSummary('monitor', checked)).toBe('wine v3 on 920 rows: DRIFT in temp, wind; accuracy 0.84');
    expect(stageSummary('monitor', { ...checked, status: 'insufficient-data', rows: 4 })).toBe('wine v3: no verdict, 4 rows served');
  });

  it('leaves a user step, or an output of an unexpected shape, to the JSON line', () => {
    expect(stageSummary('my-step', { rows: 3, columns: [] })).toBeUndefined();
    expect(stageSummary('train', { model: 'x' })).toBeUndefined();
    expect(stageSummary('ingest', [1, 2])).toBeUndefined();
  });
});
