import { readFileSync } from 'node:fs';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createActivities } from '../../activities';
import { EXAMPLE_DATASETS } from '../../definitions/exampleData';
import { DataError, definePipeline, defineRegistry, defineStep, outputOf, readDataset, WrittenDatasetSchema } from '../../lib/dsl';
import { getVersion } from '../../lib/registry/registry';
import { recordDataset } from '../../lib/store/datasets';
import { runStateQuery } from '../../lib/runContract/messages';
import { startRun } from '../../lib/runs/startRun';
import { createApp } from '../../server/app';
import { appDeps } from '../helpers/appDeps';
import { openTestStore, type TestStore } from '../helpers/postgres';
import { testServices } from '../helpers/sources';
import { connectTestEnv, startTestWorker, type RunningWorker } from '../helpers/temporal';
import { waitFor } from '../helpers/waitFor';

// What a user was promised (README, "Built-in stages"): a step of one's own turns rows it computed
// into a dataset with `runtime.writeDataset`, and validate, train, evaluate and register take it from
// that step as they take ingest's; its data card says which run and step wrote it and from what.

const penguins = EXAMPLE_DATASETS.penguins;
type Penguin = Record<string, string | number | null>;

/** The features, computed here from the raw file, independently of the pipeline. */
function expectedFeatures(): Array<{ species: string; island: string; beakRatio: number; massKg: number }> {
  const raw = JSON.parse(readFileSync(penguins.path, 'utf8')) as Penguin[];
  return raw
    .filter((p) => typeof p['Beak Length (mm)'] === 'number' && typeof p['Beak Depth (mm)'] === 'number' && typeof p['Body Mass (g)'] === 'number')
    .map((p) => ({ species: p.Species as string, island: p.Island as string, beakRatio: (p['Beak Length (mm)'] as number) / (p['Beak Depth (mm)'] as number), massKg: (p['Body Mass (g)'] as number) / 1000 }));
}

const deriveFeatures = defineStep({
  name: 'test-derive-penguin-features',
  config: z.object({ poison: z.boolean().default(false) }),
  output: WrittenDatasetSchema,
  run: async ({ config, upstream }, runtime) => {
    const loaded = outputOf(upstream, 'load', 'ingest');
    const rows = await readDataset(runtime.artifacts, loaded.dataset);
    const features = rows.flatMap((row) => {
      const length = row['Beak Length (mm)'];
      const depth = row['Beak Depth (mm)'];
      const mass = row['Body Mass (g)'];
      if (typeof length !== 'number' || typeof depth !== 'number' || typeof mass !== 'number') return [];
      return [{ species: row.Species as string, island: row.Island as string, beakRatio: length / depth, massKg: mass / 1000 }];
    });
    // A bug a user could write: a ratio over a zero, here on purpose in the 42nd row.
    if (config.poison) features[41]!.beakRatio = 0 / 0;
    return runtime.writeDataset(features, { derivedFrom: [loaded.dataset] });
  },
});

const pipeline = definePipeline({
  id: 'derived-features',
  params: z.object({ poison: z.boolean().default(false) }),
  steps: {
    load: { activity: 'ingest', config: { source: penguins.path, format: penguins.format } },
    derive: { activity: deriveFeatures, after: ['load'], config: (p) => ({ poison: p.poison }) },
    check: { activity: 'validate', after: ['derive'], config: { contract: { columns: { beakRatio: { type: 'number', min: 1 }, species: { type: 'string', allowed: ['Adelie', 'Chinstrap', 'Gentoo'] } } } } },
    fit: { activity: 'train', after: ['check'], config: { target: 'species' } },
    score: { activity: 'evaluate', after: ['fit'] },
    entry: { activity: 'register', after: ['score'], config: { model: 'derived-penguins' } },
  },
});

let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let testStore: TestStore;
const registry = defineRegistry({ pipelines: [pipeline] });

beforeAll(async () => {
  env = await connectTestEnv();
  testStore = await openTestStore();
  worker = await startTestWorker(env, createActivities(registry, testServices({ artifacts: testStore.artifacts, store: testStore.store })));
});
afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
  await testStore?.close();
});

describe('a dataset written by a step of ones own', () => {
  it('is validated, trained on and registered as lineage, and its card names the run, the step and the dataset it came from', async () => {
    const run = await startRun(env.client, { pipeline, trigger: 'test', taskQueue: worker.taskQueue });
    const outputs = (await run.handle.result()).outputs as unknown as Record<string, Record<string, unknown>>;
    const expected = expectedFeatures();
    const derived = outputs.derive as { dataset: { sha256: string; uri: string }; rows: number; columns: Array<{ name: string; type: string }> };
    expect(derived.rows).toBe(expected.length);
    expect(derived.columns).toEqual([
      { name: 'species', type: 'VARCHAR' },
      { name: 'island', type: 'VARCHAR' },
      { name: 'beakRatio', type: 'DOUBLE' },
      { name: 'massKg', type: 'DOUBLE' },
    ]);
    expect(await readDataset(testStore.artifacts, derived.dataset)).toEqual(expected);
    expect(outputs.check).toMatchObject({ passed: true, rows: expected.length, dataset: { sha256: derived.dataset.sha256 } });
    expect(outputs.fit).toMatchObject({ target: 'species', labels: ['Adelie', 'Chinstrap', 'Gentoo'] });
    expect((outputs.score as { metrics: { accuracy: number } }).metrics.accuracy).toBeGreaterThan(0.9);
    const version = await getVersion(testStore.store.pool, 'derived-penguins', 1);
    expect(version?.lineage).toMatchObject({ runId: run.runId, datasetSha256: derived.dataset.sha256 });

    const app = createApp(appDeps({ client: env.client, registry, store: testStore.store, artifacts: testStore.artifacts, taskQueue: worker.taskQueue, temporalUiUrl: null }));
    const response = await app.request(`/api/v1/datasets/${derived.dataset.sha256}/card`);
    expect(response.status).toBe(200);
    const { card, markdown } = (await response.json()) as { card: Record<string, unknown>; markdown: string };
    const ingested = (outputs.load as { dataset: { sha256: string } }).dataset.sha256;
    expect(card.source).toEqual({ kind: 'step', format: 'parquet', location: 'derived-features/derive', derivedFrom: [ingested] });
    expect(card.producedBy).toEqual([expect.objectContaining({ runId: run.runId, step: 'derive' })]);
    expect(card.validations).toEqual([expect.objectContaining({ runId: run.runId, step: 'check', passed: true })]);
    expect(card.models).toEqual([expect.objectContaining({ model: 'derived-penguins', version: 1 })]);
    expect(markdown).toContain('step `derived-features/derive` (parquet)');
    expect(markdown).toContain(`Derived from dataset ${ingested.slice(0, 12)}.`);
    const profile = await app.request(`/api/v1/datasets/${derived.dataset.sha256}/profile`);
    expect(((await profile.json()) as { profile: { rows: number } }).profile.rows).toBe(expected.length);

    // `cairn status` shows a dataset by its first 12 digits: the card and profile take those too.
    const short = derived.dataset.sha256.slice(0, 12);
    const byPrefix = (await (await app.request(`/api/v1/datasets/${short}/card`)).json()) as { card: { sha256: string; source: unknown } };
    expect(byPrefix.card).toMatchObject({ sha256: derived.dataset.sha256, source: card.source });
    const profileByPrefix = (await (await app.request(`/api/v1/datasets/${short}/profile`)).json()) as { sha256: string };
    expect(profileByPrefix.sha256).toBe(derived.dataset.sha256);
  }, 120_000);

  it('names a dataset by a prefix only when one dataset has it', async () => {
    const app = createApp(appDeps({ client: env.client, registry, store: testStore.store, artifacts: testStore.artifacts, taskQueue: worker.taskQueue, temporalUiUrl: null }));
    const twins = ['0123456789ab' + 'c'.repeat(52), '0123456789ab' + 'd'.repeat(52)];
    const profile = { rows: 1, columns: [] };
    for (const sha256 of twins) await recordDataset(testStore.store.pool, { uri: `cas://sha256/${sha256}`, sha256, size: 1, mediaType: 'application/vnd.apache.parquet' }, profile);
    const ambiguous = await app.request('/api/v1/datasets/0123456789ab/card');
    expect(ambiguous.status).toBe(400);
    expect(((await ambiguous.json()) as { error: { message: string } }).error.message).toBe('0123456789ab starts the sha256 of more than one dataset (0123456789abcccc, 0123456789abdddd...): give more digits');
    expect((await app.request('/api/v1/datasets/0123456789abd/profile')).status).toBe(200);
    expect((await app.request('/api/v1/datasets/fedcba9876543210/card')).status).toBe(404);
    const tooShort = await app.request('/api/v1/datasets/0123456/card');
    expect(tooShort.status).toBe(400);
    expect(JSON.stringify(await tooShort.json())).toContain('its first 8 or more digits');
  });

  it('fails the step to an operator, naming the row and column, when a computed value cannot be stored', async () => {
    const run = await startRun(env.client, { pipeline, params: { poison: true }, trigger: 'test', taskQueue: worker.taskQueue });
    const state = await waitFor(async () => {
      const snapshot = await run.handle.query(runStateQuery);
      return snapshot.status === 'awaiting_operator' && snapshot;
    }, 'the poisoned step to wait for an operator');
    const derive = state.steps.find((s) => s.name === 'derive');
    expect(derive?.error).toMatchObject({ type: DataError.name, nonRetryable: true, message: "writeDataset: row 42, column 'beakRatio': NaN is not a value a dataset holds (write null for a missing value)" });
    expect(state.steps.find((s) => s.name === 'check')?.status).toBe('pending');
    await run.handle.terminate('test over');
  }, 60_000);
});
