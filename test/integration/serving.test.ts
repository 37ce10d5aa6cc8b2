import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploy } from '../../activities/deploy';
import { toActivity } from '../../activities/stepActivity';
import { EXAMPLE_DATASETS } from '../../definitions/exampleData';
import { type ArtifactStore } from '../../lib/artifacts/artifactStore';
import { ingestFile } from '../../lib/data/ingestFile';
import { defineRegistry } from '../../lib/dsl';
import type { StepInput } from '../../lib/dsl/stepIo';
import { trainModel } from '../../lib/ml/trainModel';
import { aliasHistory, moveAlias } from '../../lib/registry/aliases';
import { registerVersion } from '../../lib/registry/registry';
import { type Store } from '../../lib/store/openStore';
import { createApp } from '../../server/app';
import { openTestStore, type TestStore } from '../helpers/postgres';
import { activityEnvironment, connectTestEnv } from '../helpers/temporal';

let env: TestWorkflowEnvironment;
let testStore: TestStore;
let store: Store;
let artifacts: ArtifactStore;
let app: ReturnType<typeof createApp>;

async function registerPenguins(l2: number, runId: string) {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-serve-w-'));
  const { dataset } = await ingestFile(EXAMPLE_DATASETS.penguins.path, 'json', artifacts, dir);
  const result = await trainModel(await artifacts.verifiedPath(dataset), { target: 'Species', l2 });
  const model = await artifacts.put(Buffer.from(JSON.stringify(result.model)), 'application/vnd.cairn.model+json');
  return registerVersion(store.pool, {
    model: 'penguins',
    modelRef: model,
    algorithm: result.model.algorithm,
    metrics: { accuracy: result.metrics.holdoutScore },
    params: { l2 },
    lineage: { runId, workflowRunId: 'r', step: 'entry', pipeline: 'penguins', specHash: 'h', datasetSha256: dataset.sha256, codeVersion: 'test' },
  });
}

beforeAll(async () => {
  env = await connectTestEnv();
  testStore = await openTestStore();
  store = testStore.store;
  artifacts = testStore.artifacts;
  await registerPenguins(1e-3, 'run-1');
  await registerPenguins(1, 'run-2');
  app = createApp({ client: env.client, registry: defineRegistry({ pipelines: [] }), store, artifacts, taskQueue: 'serve', temporalUiUrl: null, security: { rateLimitPerMinute: 1_000_000 } });
});
afterAll(async () => {
  await testStore?.close();
  await env?.teardown();
});

const gentoo = { Island: 'Biscoe', 'Beak Length (mm)': 47.5, 'Beak Depth (mm)': 14.2, 'Flipper Length (mm)': 217, 'Body Mass (g)': 5200, Sex: 'MALE' };
const predictRequest = (body: unknown, query = '') =>
  app.request(`/api/v1/models/penguins/predict${query}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
const deployInput = (version: number): StepInput => ({
  run: { runId: `cairn:p:test:${version}`, temporalRunId: 'r', pipeline: 'penguins', specHash: 'h', trigger: 'test', params: {}, logicalDate: '2026-11-27T00:00:00Z', step: 'ship' },
  config: {},
  upstream: { entry: { model: 'penguins', version } },
});

describe('deploy and rollback', () => {
  it('moves production with a recorded history, and rolls it back in one call', async () => {
    const activity = toActivity(deploy, { artifacts, store }) as unknown as (i: StepInput) => Promise<{ version: number; previous: number | null; moved: boolean }>;
    expect(await activityEnvironment().run(activity, deployInput(1))).toMatchObject({ version: 1, previous: null, moved: true });
    expect(await activityEnvironment().run(activity, deployInput(2))).toMatchObject({ version: 2, previous: 1, moved: true });
    expect(await activityEnvironment().run(activity, deployInput(2))).toMatchObject({ moved: false }); // a retried deploy changes nothing
    const rollback = await app.request('/api/v1/models/penguins/aliases/production/rollback', { method: 'POST', body: JSON.stringify({ reason: 'v2 misbehaves' }), headers: { 'content-type': 'application/json' } });
    expect(rollback.status).toBe(200);
    expect(await rollback.json()).toMatchObject({ version: 1, previous: 2, reason: 'v2 misbehaves' });
    const history = await aliasHistory(store.pool, 'penguins', 'production');
    expect(history.map((h) => [h.version, h.previous])).toEqual([
      [1, 2],
      [2, 1],
      [1, null],
    ]);
    expect(history[2]?.actor).toBe('run cairn:p:test:1');
  });
});

describe('serving predictions', () => {
  it('predicts one instance and a batch with the production version, or a pinned version', async () => {
    await moveAlias(store.pool, { model: 'penguins', alias: 'production', version: 1, actor: 'test', reason: 'serve' });
    const single = await predictRequest({ instance: gentoo });
    expect(single.status).toBe(200);
    const body = (await single.json()) as { version: number; alias: string; prediction: { label: string; probabilities: Record<string, number> } };
    expect(body).toMatchObject({ version: 1, alias: 'production', prediction: { label: 'Gentoo' } });
    expect(Object.values(body.prediction.probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    const batch = (await (await predictRequest({ instances: [gentoo, { ...gentoo, Island: 'Torgersen', 'Flipper Length (mm)': 181, 'Beak Length (mm)': 39.1, 'Beak Depth (mm)': 18.7, 'Body Mass (g)': 3750 }] }, '?version=2')).json()) as {
      version: number;
      alias: null;
      predictions: { label: string }[];
    };
    expect(batch).toMatchObject({ version: 2, alias: null });
    expect(batch.predictions.map((p) => p.label)).toEqual(['Gentoo', 'Adelie']);
  });

  it('answers bad inputs with a clear 4xx naming each field', async () => {
    const cases: [Response, number, RegExp | string][] = [
      [await predictRequest({ instance: { ...gentoo, Island: undefined } }), 422, 'instances.0.Island'],
      [await predictRequest({ instance: { ...gentoo, 'Body Mass (g)': 'heavy' } }), 422, 'instances.0.Body Mass (g)'],
      [await predictRequest('{"instance": {"Body Mass (g)": NaN}}'), 400, 'invalid_json'],
      [await predictRequest({ instances: Array.from({ length: 10_001 }, () => gentoo) }), 413, 'payload_too_large'],
      [await predictRequest({ instances: [] }), 422, 'invalid_body'],
      [await predictRequest({ instance: gentoo }, '?version=9'), 404, "model 'penguins' has no version 9"],
      [await predictRequest({ instance: gentoo }, '?alias=canary'), 404, "has no alias 'canary'"],
      [await app.request('/api/v1/models/nope/predict', { method: 'POST', body: JSON.stringify({ instance: gentoo }) }), 404, "model 'nope' has no alias 'production'"],
    ];
    for (const [response, status, text] of cases) {
      expect(response.status).toBe(status);
      expect(JSON.stringify(await response.json())).toMatch(text);
    }
  });

  it('serves the new version within seconds of an alias move, without a failed request, and counts predictions', async () => {
    await moveAlias(store.pool, { model: 'penguins', alias: 'production', version: 1, actor: 'test', reason: 'reset' });
    const seen = new Set<number>();
    let failures = 0;
    const deadline = Date.now() + 6_000;
    let moved = false;
    while (Date.now() < deadline && !(seen.has(2) && moved)) {
      const response = await predictRequest({ instance: gentoo });
      if (response.status !== 200) failures += 1;
      else seen.add(((await response.json()) as { version: number }).version);
      if (!moved && seen.has(1)) {
        await moveAlias(store.pool, { model: 'penguins', alias: 'production', version: 2, actor: 'test', reason: 'swap' });
        moved = true;
      }
    }
    expect(failures).toBe(0);
    expect([...seen].sort()).toEqual([1, 2]);
    const metrics = await (await app.request('/metrics')).text();
    expect(metrics).toMatch(/cairn_predictions_total\{model="penguins",version="2",alias="production"\} \d+/);
    expect(metrics).toMatch(/cairn_prediction_duration_seconds_count\{model="penguins",version="1",alias="production"\} \d+/);
  });
});

