import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { register } from '../../activities/register';
import { toActivity } from '../../activities/stepActivity';
import { registry } from '../../definitions';
import { EXAMPLE_DATASETS } from '../../definitions/exampleData';
import type { ArtifactRef } from '../../lib/artifacts/artifactRef';
import { type ArtifactStore } from '../../lib/artifacts/artifactStore';
import { definePipeline, defineRegistry, defineStep } from '../../lib/dsl';
import { trainModel } from '../../lib/ml/trainModel';
import { z } from 'zod';
import type { StepInput } from '../../lib/dsl/stepIo';
import { startRun } from '../../lib/runs/startRun';
import { moveAlias } from '../../lib/registry/aliases';
import { getVersion } from '../../lib/registry/registry';
import { type Store } from '../../lib/store/openStore';
import { createApp } from '../../server/app';
import { runStateQuery } from '../../lib/runContract/messages';
import { openTestStore, type TestStore } from '../helpers/postgres';
import { testServices } from '../helpers/sources';
import { activityEnvironment, connectTestEnv, startTestWorker, type RunningWorker } from '../helpers/temporal';
import { waitFor } from '../helpers/waitFor';
import { appDeps } from '../helpers/appDeps';

const sklearn = JSON.parse(readFileSync(new URL('../fixtures/reference/sklearn-accuracy.json', import.meta.url), 'utf8')) as { datasets: Record<string, { accuracy: number }> };
let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let testStore: TestStore;
let store: Store;
let artifacts: ArtifactStore;

beforeAll(async () => {
  env = await connectTestEnv();
  testStore = await openTestStore();
  store = testStore.store;
  artifacts = testStore.artifacts;
  worker = await startTestWorker(env, createActivities(registry, testServices({ artifacts, store })));
});
afterAll(async () => {
  await worker?.stop();
  await testStore?.close();
  await env?.teardown();
});

type Outputs = Record<string, Record<string, unknown>>;

describe('the seattle-weather example, end to end on Temporal and PostgreSQL', () => {
  it('ingests, trains, evaluates and registers a model whose lineage points at the exact dataset and run', async () => {
    const run = await startRun(env.client, { pipeline: registry.pipelines.get('seattle-weather')!, trigger: 'test', taskQueue: worker.taskQueue });
    const result = await run.handle.result();
    const outputs = result.outputs as unknown as Outputs;
    const datasetSha = (outputs.data!.dataset as { sha256: string }).sha256;
    expect(outputs.entry).toMatchObject({ model: 'weather', version: 1, created: true });
    const version = await getVersion(store.pool, 'weather', 1);
    expect(version?.lineage).toMatchObject({ runId: run.runId, step: 'entry', pipeline: 'seattle-weather', specHash: run.specHash, datasetSha256: datasetSha, codeVersion: 'cairn@0.1.0' });
    expect(Math.abs((version?.metrics.accuracy as number) - sklearn.datasets['seattle-weather']!.accuracy)).toBeLessThanOrEqual(0.015);
    expect(version?.params).toMatchObject({ target: 'weather', seed: 42, features: ['precipitation', 'temp_max', 'temp_min', 'wind'] });

    const app = createApp(appDeps({ client: env.client, registry, store, taskQueue: worker.taskQueue, temporalUiUrl: null }));
    const listed = (await (await app.request('/api/v1/models/weather/versions/1')).json()) as { lineage: { datasetSha256: string } };
    expect(listed.lineage.datasetSha256).toBe(datasetSha);
    expect((await app.request('/api/v1/models/weather/versions/9')).status).toBe(404);
    expect(((await (await app.request('/api/v1/models')).json()) as { models: { name: string }[] }).models.map((m) => m.name)).toContain('weather');
  });

  it('runs the penguins example to a registered model', async () => {
    const run = await startRun(env.client, { pipeline: registry.pipelines.get('penguins')!, params: { algorithm: 'gradient-boosted-trees' }, trigger: 'test', taskQueue: worker.taskQueue });
    const outputs = (await run.handle.result()).outputs as unknown as Outputs;
    expect(outputs.entry).toMatchObject({ model: 'penguins', version: 1 });
    expect((outputs.score as { metrics: { accuracy: number } }).metrics.accuracy).toBeGreaterThan(0.95);
    expect((await getVersion(store.pool, 'penguins', 1))?.algorithm).toBe('gradient-boosted-trees');
  });

  it('compares a new version with production on the same holdout, and numbers it 2', async () => {
    await moveAlias(store.pool, { model: 'weather', alias: 'production', version: 1, actor: 'test', reason: 'set up production' });
    const run = await startRun(env.client, { pipeline: registry.pipelines.get('seattle-weather')!, params: { l2: 0.05 }, trigger: 'test', taskQueue: worker.taskQueue });
    const outputs = (await run.handle.result()).outputs as unknown as Outputs;
    expect(outputs.entry).toMatchObject({ version: 2 });
    const comparison = (outputs.score as unknown as { comparison: { version: number; metrics: { accuracy: number }; candidateIsBetter: boolean } }).comparison;
    expect(comparison.version).toBe(1);
    expect(comparison.metrics.accuracy).toBeCloseTo(sklearn.datasets['seattle-weather']!.accuracy, 2);
    expect(typeof comparison.candidateIsBetter).toBe('boolean');
  });

  // Promised (README, "Train on your own table"): evaluation scores the production version on the
  // same holdout rows. Production is scored on the columns it reads: a retrain on fewer features once
  // gave production only the candidate's columns (the rest null), so production scored worse than it
  // is and the narrower candidate looked "better". The reference is production's own holdout score,
  // registered with it: the same rows, the same split, the same model.
  it("scores production on its own features, and says why when it cannot score it on the candidate's rows", async () => {
    const dataset = registry.pipelines.get('seattle-weather')!.params.parse({}).dataset as string;
    const classify = (params: Record<string, unknown>, pipeline = 'tabular-classification') =>
      startRun(env.client, { pipeline: registry.pipelines.get(pipeline)!, params: { dataset, target: 'weather', model: 'weather-narrowed', ...params }, trigger: 'test', taskQueue: worker.taskQueue }).then(
        async (run) => (await run.handle.result()).outputs as unknown as Outputs,
      );
    type Score = { metrics: { accuracy: number }; comparison: { version: number | null; metrics: { accuracy: number } | null; candidateIsBetter: boolean | null; notCompared?: string } };
    await classify({});
    await moveAlias(store.pool, { model: 'weather-narrowed', alias: 'production', version: 1, actor: 'test', reason: 'set up production' });
    const registered = (await getVersion(store.pool, 'weather-narrowed', 1))!.metrics.accuracy as number;

    const narrower = (await classify({ features: ['precipitation', 'wind'] })).score as Score;
    expect(narrower.comparison).toMatchObject({ version: 1, metrics: { accuracy: registered } });
    expect(narrower.comparison.candidateIsBetter).toBe(narrower.metrics.accuracy > registered);

    // Evaluation rows without a column production reads: production is not scored, and the output says why.
    const [header, ...days] = readFileSync(dataset, 'utf8').trim().split('\n');
    const dropped = header!.split(',').indexOf('temp_min');
    const withoutTempMin = join(mkdtempSync(join(tmpdir(), 'cairn-narrow-')), 'without-temp-min.csv');
    writeFileSync(withoutTempMin, `${[header!, ...days].map((line) => line.split(',').filter((_, i) => i !== dropped).join(',')).join('\n')}\n`);
    const elsewhere = (await classify({ features: ['precipitation', 'temp_max', 'wind'], evaluationDataset: withoutTempMin })).score as Score;
    expect(elsewhere.comparison).toMatchObject({ version: 1, metrics: null, candidateIsBetter: null, notCompared: "v1 reads 'temp_min', which these rows do not have" });

    // A model of the same name that predicts something else is not scored against the candidate's target.
    const regression = (await classify({ target: 'temp_max', features: ['temp_min', 'wind'] }, 'tabular-regression')).score as Score;
    expect(regression.comparison).toMatchObject({ version: 1, metrics: null, notCompared: "v1 predicts 'weather', not 'temp_max'" });
  });

  it('gives the same version when the same run registers twice', async () => {
    const version = await getVersion(store.pool, 'weather', 1);
    const input: StepInput = {
      run: { runId: version!.lineage.runId, temporalRunId: version!.lineage.workflowRunId, pipeline: 'seattle-weather', specHash: version!.lineage.specHash, trigger: 'test', params: {}, logicalDate: '2026-11-27T00:00:00Z', step: 'entry' },
      config: { model: 'weather' },
      upstream: { score: { model: { uri: `cas://sha256/${version!.modelSha256}`, sha256: version!.modelSha256, size: 1, mediaType: 'application/json' }, dataset: { uri: `cas://sha256/${version!.lineage.datasetSha256}`, sha256: version!.lineage.datasetSha256, size: 1, mediaType: 'x' }, metrics: {} } },
    };
    const activity = toActivity(register, testServices({ artifacts, store })) as unknown as (i: StepInput) => Promise<{ version: number; created: boolean }>;
    expect(await activityEnvironment().run(activity, input)).toMatchObject({ version: 1, created: false });
    const { rows } = await store.pool.query("SELECT count(*)::int AS n FROM model_versions WHERE model = 'weather'");
    expect(rows[0].n).toBe(2);
  });

  it('stops at a failed gate with the metric named, without registering anything', async () => {
    const run = await startRun(env.client, {
      pipeline: registry.pipelines.get('tabular-classification')!,
      params: { dataset: registry.pipelines.get('seattle-weather')!.params.parse({}).dataset, target: 'weather', model: 'strict-weather', gate: 0.99 },
      trigger: 'test',
      taskQueue: worker.taskQueue,
    });
    const state = await waitFor(async () => {
      const snapshot = await run.handle.query(runStateQuery);
      return snapshot.status === 'awaiting_operator' && snapshot;
    }, 'the gate to stop the run');
    const score = state.steps.find((s) => s.name === 'score');
    expect(score?.error).toMatchObject({ type: 'DataError', nonRetryable: true });
    expect(score?.error?.message).toMatch(/gate failed: accuracy 0\.8\d+ is below min 0\.99/);
    expect(await getVersion(store.pool, 'strict-weather', 1)).toBeUndefined();
    await run.handle.terminate('test over');
  });

  it('evaluates on a separate evaluation data set when one is given: train on 2012-2013, evaluate on 2014-2015', async () => {
    const [header, ...days] = readFileSync(EXAMPLE_DATASETS.seattleWeather.path, 'utf8').trim().split('\n');
    const dir = mkdtempSync(join(tmpdir(), 'cairn-years-'));
    const early = join(dir, 'early.csv');
    const late = join(dir, 'late.csv');
    writeFileSync(early, `${[header, ...days.filter((d) => d < '2014')].join('\n')}\n`);
    writeFileSync(late, `${[header, ...days.filter((d) => d >= '2014')].join('\n')}\n`);
    const run = await startRun(env.client, {
      pipeline: registry.pipelines.get('tabular-classification')!,
      params: { dataset: early, evaluationDataset: late, target: 'weather', model: 'weather-by-year' },
      trigger: 'test',
      taskQueue: worker.taskQueue,
    });
    const outputs = (await run.handle.result()).outputs as unknown as Outputs;
    const score = outputs.score as { holdoutRows: number; evaluatedOn: { kind: string }; metrics: { accuracy: number } };
    expect(score.evaluatedOn.kind).toBe('evaluation-dataset');
    expect(score.holdoutRows).toBe(days.filter((d) => d >= '2014').length);
    expect(score.metrics.accuracy).toBeGreaterThan(0.5);
    expect(outputs.entry).toMatchObject({ model: 'weather-by-year', version: 1 });
    // Both data sets in the encoding the params name (UTF-16 without its mark, which only the name can tell): the evaluation set is read as its config says, as ingest reads.
    const utf16 = (name: string, lines: string[]) => {
      writeFileSync(join(dir, name), Buffer.from(`${lines.join('\n')}\n`, 'utf16le'));
      return join(dir, name);
    };
    const encoded = await startRun(env.client, {
      pipeline: registry.pipelines.get('tabular-classification')!,
      params: { dataset: utf16('early16.csv', [header!, ...days.filter((d) => d < '2014')]), evaluationDataset: utf16('late16.csv', [header!, ...days.filter((d) => d >= '2014')]), encoding: 'utf-16le', target: 'weather', model: 'weather-by-year-16' },
      trigger: 'test',
      taskQueue: worker.taskQueue,
    });
    const scored = ((await encoded.handle.result()).outputs as unknown as Outputs).score as { holdoutRows: number; metrics: { accuracy: number } };
    expect(scored).toMatchObject({ holdoutRows: score.holdoutRows, metrics: { accuracy: score.metrics.accuracy } });
  });

  it("takes a user's own training step: evaluate and register work on what it produces", async () => {
    // A user's step: a small search over the L2 penalty, keeping the best holdout score.
    const searchL2 = defineStep({
      name: 'search-l2',
      config: z.strictObject({ target: z.string() }),
      run: async ({ config, upstream }, runtime) => {
        const { dataset } = upstream.data as { dataset: ArtifactRef };
        const path = await runtime.artifacts.verifiedPath(dataset);
        let best: Awaited<ReturnType<typeof trainModel>> | undefined;
        for (const l2 of [1e-4, 1e-2, 1]) {
          const result = await trainModel(path, { target: config.target, l2 });
          if (!best || result.metrics.holdoutScore > best.metrics.holdoutScore) best = result;
        }
        const model = await runtime.artifacts.put(Buffer.from(JSON.stringify(best!.model)), 'application/vnd.cairn.model+json');
        return { model, dataset, split: { testFraction: 0.2, seed: 42 }, chosenL2: best!.model.hyperparameters.l2 as number };
      },
    });
    const custom = definePipeline({
      id: 'custom-trainer',
      params: z.object({}),
      steps: {
        data: { activity: 'ingest', config: { source: EXAMPLE_DATASETS.penguins.path } },
        fit: { activity: searchL2, after: ['data'], config: { target: 'Species' } },
        score: { activity: 'evaluate', after: ['fit'], config: { gate: { accuracy: { min: 0.9 } } } },
        entry: { activity: 'register', after: ['score'], config: { model: 'penguins-custom' } },
      },
    });
    const customRegistry = defineRegistry({ pipelines: [custom] });
    const customWorker = await startTestWorker(env, createActivities(customRegistry, testServices({ artifacts, store })));
    try {
      const run = await startRun(env.client, { pipeline: custom, trigger: 'test', taskQueue: customWorker.taskQueue });
      const outputs = (await run.handle.result()).outputs as unknown as Outputs;
      expect(outputs.entry).toMatchObject({ model: 'penguins-custom', version: 1 });
      expect([1e-4, 1e-2, 1]).toContain(outputs.fit!.chosenL2);
      expect((await getVersion(store.pool, 'penguins-custom', 1))?.metrics.accuracy).toBeGreaterThan(0.9);
    } finally {
      await customWorker.stop();
    }
  });
});
