import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { toActivity } from '../../activities/stepActivity';
import { train } from '../../activities/train';
import { EXAMPLE_DATASETS } from '../../definitions/exampleData';
import { ArtifactStore } from '../../lib/artifacts/artifactStore';
import type { ArtifactRef } from '../../lib/artifacts/artifactRef';
import { ingestFile } from '../../lib/data/ingestFile';
import { DEFAULT_L2 } from '../../lib/stages/train';
import type { StepInput } from '../../lib/dsl/stepIo';
import { ModelDocumentSchema, predict } from '../../lib/ml/model';
import { trainModel } from '../../lib/ml/trainModel';
import { encodeRows } from '../../lib/ml/trainingData';
import { seededNormal } from '../../lib/seededRandom';
import { activityEnvironment } from '../helpers/temporal';
import { testServices } from '../helpers/sources';

const REFERENCE = new URL('../fixtures/reference/', import.meta.url);
const sklearn = JSON.parse(readFileSync(new URL('sklearn-accuracy.json', REFERENCE), 'utf8')) as { datasets: Record<string, { accuracy: number }> };
let dir: string;
let artifacts: ArtifactStore;
const datasets: Record<string, ArtifactRef> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cairn-train-'));
  artifacts = new ArtifactStore(join(dir, 'artifacts'));
  for (const example of Object.values(EXAMPLE_DATASETS)) {
    datasets[example.name] = (await ingestFile(example.path, example.format, artifacts, mkdtempSync(join(dir, 'w-')))).dataset;
  }
});

const config = { algorithm: 'logistic-regression' as const, l2: DEFAULT_L2, maxIterations: 500, testFraction: 0.2, seed: 42 };

describe('logistic regression on real data', () => {
  for (const example of Object.values(EXAMPLE_DATASETS)) {
    it(`${example.name}: holdout accuracy within 1.5 points of scikit-learn on the same split`, async () => {
      const result = await trainModel(await artifacts.verifiedPath(datasets[example.name]!), { ...config, target: example.target });
      const fixture = JSON.parse(readFileSync(new URL(`${example.name}-split.json`, REFERENCE), 'utf8')) as { train: number[]; test: number[] };
      expect(result.split).toEqual({ train: fixture.train, test: fixture.test }); // the reference was computed on exactly this split
      const reference = sklearn.datasets[example.name]!.accuracy;
      expect(Math.abs(result.metrics.holdoutScore - reference)).toBeLessThanOrEqual(0.015);
      expect(result.metrics.holdoutScore).toBeGreaterThan(0.8);
    });
  }

  it('is reproducible: the same data, config and seed give the same model document', async () => {
    const path = await artifacts.verifiedPath(datasets['seattle-weather']!);
    const [a, b] = [await trainModel(path, { ...config, target: 'weather' }), await trainModel(path, { ...config, target: 'weather' })];
    expect(JSON.stringify(a.model)).toBe(JSON.stringify(b.model));
    expect(ModelDocumentSchema.parse(a.model).features.map((f) => f.name)).toEqual(['precipitation', 'temp_max', 'temp_min', 'wind']); // the date column is left out
  });
});

describe('gradient-boosted trees on real data', () => {
  for (const example of Object.values(EXAMPLE_DATASETS)) {
    it(`${example.name}: holdout accuracy within 1.5 points of scikit-learn's HistGradientBoosting on the same split`, async () => {
      const path = await artifacts.verifiedPath(datasets[example.name]!);
      const result = await trainModel(path, { target: example.target, algorithm: 'gradient-boosted-trees', testFraction: 0.2, seed: 42 });
      const reference = (sklearn.datasets[example.name] as unknown as { gbt_accuracy: number }).gbt_accuracy;
      expect(Math.abs(result.metrics.holdoutScore - reference)).toBeLessThanOrEqual(0.015);
      // The trees are plain JSON: the document alone predicts the same.
      const again = ModelDocumentSchema.parse(JSON.parse(JSON.stringify(result.model)));
      expect(predict(again, [{}]).length).toBe(1);
      const second = await trainModel(path, { target: example.target, algorithm: 'gradient-boosted-trees', testFraction: 0.2, seed: 42 });
      expect(JSON.stringify(second.model)).toBe(JSON.stringify(result.model));
    });
  }
});

describe('the model document and predict()', () => {
  it('predicts with unknown categories and missing numbers, from the JSON document alone', async () => {
    const result = await trainModel(await artifacts.verifiedPath(datasets.penguins!), { ...config, target: 'Species' });
    const model = ModelDocumentSchema.parse(JSON.parse(JSON.stringify(result.model)));
    const [known, odd] = predict(model, [
      { Island: 'Biscoe', 'Beak Length (mm)': 47.5, 'Beak Depth (mm)': 14.2, 'Flipper Length (mm)': 217, 'Body Mass (g)': 5200, Sex: 'MALE' },
      { Island: 'Atlantis', 'Beak Length (mm)': null, 'Beak Depth (mm)': 18, 'Flipper Length (mm)': 190, 'Body Mass (g)': 3700, Sex: null },
    ]);
    expect(known?.label).toBe('Gentoo');
    expect(known?.probabilities?.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(model.labels).toContain(odd?.label);
  });
});

describe('ridge regression', () => {
  it('recovers a known linear relation', async () => {
    const noise = seededNormal(3);
    const lines = ['a,b,group,y'];
    for (let i = 0; i < 2000; i++) {
      const a = noise() * 2;
      const b = noise() * 5 + 10;
      const group = i % 3 === 0 ? 'x' : 'z';
      lines.push(`${a},${b},${group},${3 * a - 2 * b + (group === 'x' ? 4 : 0) + 5 + noise() * 0.1}`);
    }
    const csv = join(dir, 'linear.csv');
    writeFileSync(csv, `${lines.join('\n')}\n`);
    const { dataset } = await ingestFile(csv, 'csv', artifacts, mkdtempSync(join(dir, 'w-')));
    const result = await trainModel(await artifacts.verifiedPath(dataset), { ...config, algorithm: 'ridge-regression', target: 'y', l2: 1e-8 });
    expect(result.metrics.metric).toBe('rmse');
    expect(result.metrics.holdoutScore).toBeLessThan(0.12); // the noise is 0.1
    expect(predict(result.model, [{ a: 1, b: 10, group: 'x' }])[0]?.value).toBeCloseTo(3 - 20 + 4 + 5, 1);
  });
});

describe('text columns with many values', () => {
  // 3,000 rows: a signal in x, a city among 300 (a few common, most rare), a unique customer id,
  // a free-text note that rarely repeats, and a date. What a user's export looks like.
  const rows = 3000;
  const cityOf = (i: number) => `city-${i % 7 === 0 ? i % 300 : i % 40}`;
  let path: string;
  beforeAll(async () => {
    const noise = seededNormal(11);
    const lines = ['x,city,customer_id,note,signup,fax,label'];
    for (let i = 0; i < rows; i++) {
      const x = noise();
      lines.push(`${x},${cityOf(i)},cust-${100000 + i},"note ${i} ${Math.floor(i / 2)}",2024-01-${String((i % 28) + 1).padStart(2, '0')},,${x + noise() * 0.3 > 0 ? 'yes' : 'no'}`);
    }
    const csv = join(dir, 'customers.csv');
    writeFileSync(csv, `${lines.join('\n')}\n`);
    path = await artifacts.verifiedPath((await ingestFile(csv, 'csv', artifacts, mkdtempSync(join(dir, 'w-')))).dataset);
  });

  it('leaves identifier-like text, dates and an empty column out of the default features, and says why', async () => {
    const result = await trainModel(path, { target: 'label' });
    expect(result.model.features.map((f) => f.name)).toEqual(['x', 'city']);
    expect(result.leftOut.map((c) => c.column).sort()).toEqual(['customer_id', 'fax', 'note', 'signup']);
    expect(result.leftOut.find((c) => c.column === 'fax')?.reason).toMatch(/^has no values \(every row is missing it\)/);
    expect(result.leftOut.find((c) => c.column === 'customer_id')?.reason).toMatch(/identifier: 3000 distinct values in 3000 rows/);
    expect(result.leftOut.find((c) => c.column === 'note')?.reason).toMatch(/identifier: 3000 distinct values/);
    expect(result.leftOut.find((c) => c.column === 'signup')?.reason).toMatch(/^DATE: only numeric, text and boolean/);
    expect(result.metrics.holdoutScore).toBeGreaterThan(0.8);
  });

  it('keeps the 100 most frequent values of a text feature; rarer ones encode like unseen ones', async () => {
    const result = await trainModel(path, { target: 'label' });
    const counts = new Map<string, number>();
    for (const i of result.split.train) counts.set(cityOf(i), (counts.get(cityOf(i)) ?? 0) + 1);
    const byFrequency = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    expect(counts.size).toBeGreaterThan(100);
    const kept = result.model.preprocessing.categorical.find((c) => c.name === 'city')?.categories;
    expect(kept).toEqual(byFrequency.slice(0, 100).map(([city]) => city).sort());
    const rare = byFrequency.at(-1)![0];
    expect(predict(result.model, [{ x: 0.2, city: rare }])).toEqual(predict(result.model, [{ x: 0.2, city: 'nowhere' }]));
    const narrower = await trainModel(path, { target: 'label', maxCategories: 5 });
    expect(narrower.model.preprocessing.categorical[0]?.categories).toHaveLength(5);
    expect(narrower.model.hyperparameters.maxCategories).toBe(5);
  });

  it("leaves out the index pandas' to_csv writes (a column with no name, 0, 1, 2, ...), which gave a class-sorted file's labels away", async () => {
    const lines = [',x,label', ...Array.from({ length: 200 }, (_, i) => `${i},${(i * 7919) % 13},${i < 100 ? 'a' : 'b'}`)];
    const csv = join(dir, 'pandas-index.csv');
    writeFileSync(csv, `${lines.join('\n')}\n`);
    const indexed = await artifacts.verifiedPath((await ingestFile(csv, 'csv', artifacts, mkdtempSync(join(dir, 'w-')))).dataset);
    const result = await trainModel(indexed, { target: 'label' });
    expect(result.model.features.map((f) => f.name)).toEqual(['x']);
    expect(result.leftOut).toEqual([{ column: 'column0', reason: expect.stringMatching(/^a column without a name holding a different whole number on every row: an index written with the data/) }]);
    // Named, it is used; a named column of whole numbers is a feature like any other.
    expect((await trainModel(indexed, { target: 'label', features: ['column0', 'x'] })).model.features.map((f) => f.name)).toEqual(['column0', 'x']);
  });

  it('uses a named identifier column with its most frequent values, without exhausting memory', async () => {
    const result = await trainModel(path, { target: 'label', features: ['x', 'customer_id'], algorithm: 'gradient-boosted-trees', rounds: 5 });
    expect(result.leftOut).toEqual([]);
    expect(result.model.preprocessing.categorical.find((c) => c.name === 'customer_id')?.categories).toHaveLength(100);
  });

  it('refuses an encoded matrix past its memory budget with the sizes, before allocating it', async () => {
    const categories = Array.from({ length: 1000 }, (_, i) => `c${i}`);
    const many = new Array<Record<string, unknown>>(600_000);
    await expect(encodeRows({ numeric: [{ name: 'x', mean: 0, std: 1 }], categorical: [{ name: 'sku', categories }] }, many)).rejects.toThrow(
      /the encoded training rows would take 4\.5 GiB \(600000 rows x 1001 inputs\), more than the 4 GiB a fit holds; the widest text features: sku \(1000 categories\)/,
    );
  });
});

describe('a classifier asked to predict a quantity (it trained: accuracy 0.016 on 214 "classes")', () => {
  const ingestLines = async (name: string, lines: string[]) => {
    const csv = join(dir, name);
    writeFileSync(csv, `${lines.join('\n')}\n`);
    return artifacts.verifiedPath((await ingestFile(csv, 'csv', artifacts, mkdtempSync(join(dir, 'w-')))).dataset);
  };
  const noise = seededNormal(5);
  const rows = Array.from({ length: 300 }, (_, i) => ({ x: noise(), i }));

  it('refuses fractional numbers as classes, as scikit-learn refuses a continuous target, and names the pipeline to use', async () => {
    const path = await ingestLines('price.csv', ['x,price', ...rows.map(({ x }) => `${x},${(3 * x + 10).toFixed(2)}`)]);
    await expect(trainModel(path, { target: 'price' })).rejects.toThrow(/^target 'price' holds fractional numbers \(such as -?\d+\.\d+\): a classifier needs classes; to predict a number, train ridge-regression \(the tabular-regression pipeline\)$/);
    // Whole numbers are classes (0/1 labels), and the quantity trains as a regression.
    const path2 = await ingestLines('flag.csv', ['x,flag', ...rows.map(({ x }) => `${x},${x > 0 ? 1 : 0}`)]);
    expect((await trainModel(path2, { target: 'flag' })).model.labels).toEqual(['0', '1']);
    expect((await trainModel(path, { target: 'price', algorithm: 'ridge-regression' })).metrics.metric).toBe('rmse');
  });

  it('refuses a target with fewer than two training rows a class', async () => {
    const path = await ingestLines('ids-as-target.csv', ['x,ticket', ...rows.map(({ x, i }) => `${x},${1000 + Math.floor(i / 1.5)}`)]);
    await expect(trainModel(path, { target: 'ticket' })).rejects.toThrow(/^target 'ticket' has 200 distinct values in 300 rows, fewer than 2 rows a class: too few to learn from or hold out; if it is a quantity, train ridge-regression/);
  });
});

describe('the train stage', () => {
  const input = (config: object, upstream: object): StepInput => ({
    run: { runId: 'cairn:t:test:1', temporalRunId: 'r', pipeline: 't', specHash: 'h', trigger: 'test', params: {}, logicalDate: '2026-11-27T00:00:00Z', step: 'train' },
    config: config as StepInput['config'],
    upstream: upstream as StepInput['upstream'],
  });

  it('stores the model as an artifact and heartbeats its progress', async () => {
    const environment = activityEnvironment();
    const beats: unknown[] = [];
    environment.on('heartbeat', (details: unknown) => beats.push(details));
    const activity = toActivity(train, testServices({ artifacts, store: undefined })) as unknown as (i: StepInput) => Promise<{ model: ArtifactRef; metrics: { holdoutScore: number } }>;
    const output = (await environment.run(activity, input({ target: "weather" }, { load: { dataset: datasets["seattle-weather"] } }))) as { model: ArtifactRef };
    const model = ModelDocumentSchema.parse(JSON.parse((await artifacts.read(output.model)).toString()));
    expect(model.labels).toEqual(['drizzle', 'fog', 'rain', 'snow', 'sun']);
    expect((output as unknown as { leftOut: unknown }).leftOut).toEqual([{ column: 'date', reason: 'DATE: only numeric, text and boolean columns can be features' }]);
    expect(beats.some((b) => typeof (b as { iteration?: number })?.iteration === 'number' && typeof (b as { loss?: number }).loss === 'number')).toBe(true);
  });

  it('names a missing target, a text target for regression, and a missing dataset', async () => {
    const activity = toActivity(train, testServices({ artifacts, store: undefined })) as unknown as (i: StepInput) => Promise<unknown>;
    const run = (config: object, upstream: object = { load: { dataset: datasets.penguins } }) => activityEnvironment().run(activity, input(config, upstream));
    await expect(run({ target: 'species' })).rejects.toThrow(/target column 'species' is not in the dataset; columns: Species, Island/);
    await expect(run({ target: 'Island', algorithm: 'ridge-regression' })).rejects.toThrow("target column 'Island' is VARCHAR: regression needs a numeric target");
    await expect(run({ target: 'Species', features: ['Wingspan'] })).rejects.toThrow("feature column 'Wingspan' is not in the dataset; columns: Species, Island,");
    await expect(run({ target: 'Species' }, { load: { rows: 3 } })).rejects.toThrow('no upstream step produced a dataset (ingest or validate); upstream: load');
  });
});
