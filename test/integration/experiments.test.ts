import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createActivities } from '../../activities';
import { ArtifactStore } from '../../lib/artifacts/artifactStore';
import { definePipeline, defineRegistry, defineStep } from '../../lib/dsl';
import { freePort } from '../../lib/freePort';
import type { Experiment } from '../../lib/store/experimentsTable';
import { createApp, type App } from '../../server/app';
import { startApiServer, type RunningApi } from '../../server/serve';
import { EXAMPLE_DATASETS } from '../../definitions/exampleData';
import { appDeps } from '../helpers/appDeps';
import { runCairn } from '../helpers/cli';
import { openTestStore, type TestStore } from '../helpers/postgres';
import { testServices } from '../helpers/sources';
import { connectTestEnv, startTestWorker, type RunningWorker } from '../helpers/temporal';

// What a user was promised: every training execution is recorded (registered or not) with its params,
// metrics, dataset and code version, searchable by metric and comparable two at a time, through the
// CLI and the API; a step of one's own records its own with `experiment(...)`.
const penguins = EXAMPLE_DATASETS.penguins;

const scoreByHand = defineStep({
  name: 'test-hand-scored',
  config: z.object({ quality: z.number() }),
  run: async ({ config }, { experiment }) => {
    await experiment({ params: { quality: config.quality }, metrics: { accuracy: config.quality, broken: Number.NaN }, algorithm: 'by-hand' });
    return null;
  },
});

const pipeline = definePipeline({
  id: 'experiments-pipeline',
  params: z.object({}),
  steps: {
    ingest: { activity: 'ingest', config: { source: penguins.path, format: penguins.format } },
    logistic: { activity: 'train', after: ['ingest'], config: { target: penguins.target, algorithm: 'logistic-regression' } },
    trees: { activity: 'train', after: ['ingest'], config: { target: penguins.target, algorithm: 'gradient-boosted-trees', rounds: 5, maxDepth: 2 } },
    hand: { activity: scoreByHand, config: { quality: 0.25 } },
  },
});

let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let testStore: TestStore;
let app: App;
let api: RunningApi;
let runId: string;

type ExperimentView = Experiment;

const cairnJson = async <T>(args: string[]): Promise<T> => {
  const result = await runCairn(api.url, [...args, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as T;
};

beforeAll(async () => {
  env = await connectTestEnv();
  testStore = await openTestStore();
  const services = testServices({ artifacts: new ArtifactStore(mkdtempSync(join(tmpdir(), 'cairn-exp-artifacts-'))), store: testStore.store });
  const registry = defineRegistry({ pipelines: [pipeline] });
  worker = await startTestWorker(env, createActivities(registry, services));
  app = createApp(appDeps({ client: env.client, registry, store: testStore.store, artifacts: services.artifacts, taskQueue: worker.taskQueue, temporalUiUrl: null }));
  api = await startApiServer(app, '127.0.0.1', await freePort());
  const started = await app.request(`/api/v1/pipelines/${pipeline.id}/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(started.status).toBe(201);
  runId = ((await started.json()) as { runId: string }).runId;
  await env.client.workflow.getHandle(runId).result();
});
afterAll(async () => {
  await api?.close();
  await worker?.stop();
  await env?.teardown();
  await testStore?.close();
});

describe('experiments', () => {
  it('records every fit with its params, holdout metric, dataset, code version and duration', async () => {
    const { experiments } = await cairnJson<{ experiments: ExperimentView[] }>(['experiments', '--pipeline', pipeline.id]);
    const byStep = new Map(experiments.map((e) => [e.step, e]));
    expect([...byStep.keys()].sort()).toEqual(['hand', 'logistic', 'trees']);
    const run = (await (await app.request(`/api/v1/runs/${encodeURIComponent(runId)}`)).json()) as { steps: { name: string; output: { metrics?: { holdoutScore: number }; dataset?: { sha256: string } } }[] };
    for (const name of ['logistic', 'trees']) {
      const output = run.steps.find((s) => s.name === name)!.output;
      const experiment = byStep.get(name)!;
      expect(experiment.runId).toBe(runId);
      expect(experiment.metrics.accuracy).toBe(output.metrics!.holdoutScore);
      expect(experiment.datasetSha256).toBe(output.dataset!.sha256);
      expect(experiment.codeVersion).toMatch(/^[0-9a-f]{64}$/);
      expect(experiment.durationMs).toBeGreaterThan(0);
    }
    expect(byStep.get('trees')!.params).toMatchObject({ algorithm: 'gradient-boosted-trees', rounds: 5, maxDepth: 2, target: penguins.target });
    // Each records the params its algorithm used, not the other algorithm's defaults.
    expect(Object.keys(byStep.get('logistic')!.params).sort()).toEqual(['algorithm', 'l2', 'maxCategories', 'maxIterations', 'seed', 'target', 'testFraction']);
    expect(Object.keys(byStep.get('trees')!.params).sort()).toEqual(['algorithm', 'bins', 'leafL2', 'learningRate', 'maxCategories', 'maxDepth', 'minChildWeight', 'rounds', 'seed', 'target', 'testFraction']);
    // A step's own record: the metric that is not a finite number is left out.
    expect(byStep.get('hand')).toMatchObject({ algorithm: 'by-hand', params: { quality: 0.25 }, metrics: { accuracy: 0.25 } });
  });

  it('searches by metric conditions and sorts by a metric, best first', async () => {
    const all = await cairnJson<{ experiments: ExperimentView[] }>(['experiments', '--pipeline', pipeline.id, '--sort', 'accuracy']);
    const accuracies = all.experiments.map((e) => e.metrics.accuracy!);
    expect(accuracies).toEqual([...accuracies].sort((a, b) => b - a));
    const ascending = await cairnJson<{ experiments: ExperimentView[] }>(['experiments', '--pipeline', pipeline.id, '--sort', 'accuracy', '--asc']);
    expect(ascending.experiments.map((e) => e.id)).toEqual(all.experiments.map((e) => e.id).reverse());
    const good = await cairnJson<{ experiments: ExperimentView[] }>(['experiments', '--pipeline', pipeline.id, '--where', 'accuracy>0.5 and trainRows>=100']);
    expect(good.experiments.map((e) => e.step).sort()).toEqual(['logistic', 'trees']);
    // The hand-scored step sits exactly on 0.25: strict and non-strict comparisons differ there.
    const steps = async (where: string) => (await cairnJson<{ experiments: ExperimentView[] }>(['experiments', '--pipeline', pipeline.id, '--where', where])).experiments.map((e) => e.step).sort();
    expect(await steps('accuracy>0.25')).toEqual(['logistic', 'trees']);
    expect(await steps('accuracy>=0.25')).toEqual(['hand', 'logistic', 'trees']);
    expect(await steps('accuracy<=0.25')).toEqual(['hand']);
    expect(await steps('accuracy!=0.25')).toEqual(['logistic', 'trees']);
    const none = await runCairn(api.url, ['experiments', '--pipeline', pipeline.id, '--where', 'accuracy>2']);
    expect(none.stdout.trim()).toBe('no experiments match');
    // A metric no experiment reports (a typo) matches nothing and sorts nothing: it is named, with the metrics there are.
    const typo = await runCairn(api.url, ['experiments', '--pipeline', pipeline.id, '--where', 'acuracy>0.5']);
    expect(typo).toMatchObject({ code: 1, stdout: '' });
    expect(typo.stderr).toBe(`cairn: no experiment of ${pipeline.id} reports 'acuracy'; metrics reported: accuracy, iterations, testRows, trainRows, train_accuracy\n`);
    const badSort = await runCairn(api.url, ['experiments', '--pipeline', pipeline.id, '--sort', 'f1']);
    expect(badSort.stderr).toMatch(/^cairn: no experiment of experiments-pipeline reports 'f1'; metrics reported: accuracy, /);
  });

  it('compares two experiments: params and metrics side by side, and whether data and code differed', async () => {
    const { experiments } = await cairnJson<{ experiments: ExperimentView[] }>(['experiments', '--pipeline', pipeline.id]);
    const [logistic, trees] = ['logistic', 'trees'].map((step) => experiments.find((e) => e.step === step)!);
    const comparison = await cairnJson<{ params: { name: string; differs: boolean }[]; metrics: { name: string; a: number; b: number; delta: number }[]; dataset: { same: boolean }; code: { same: boolean } }>([
      'experiments',
      'compare',
      String(logistic!.id),
      String(trees!.id),
    ]);
    expect(comparison.params.find((p) => p.name === 'algorithm')!.differs).toBe(true);
    expect(comparison.params.find((p) => p.name === 'target')!.differs).toBe(false);
    const accuracy = comparison.metrics.find((m) => m.name === 'accuracy')!;
    expect(accuracy.delta).toBeCloseTo(trees!.metrics.accuracy! - logistic!.metrics.accuracy!, 12);
    expect(comparison.dataset.same).toBe(true);
    expect(comparison.code.same).toBe(true);
    const text = await runCairn(api.url, ['experiments', 'compare', String(logistic!.id), String(trees!.id)]);
    expect(text.stdout).toMatch(/algorithm\s+logistic-regression\s+gradient-boosted-trees\s+≠/);
    expect(text.stdout).toMatch(/data: same {2}code: same {2}spec: same/);
  });

  it('names what is wrong with a condition, a metric name or an id', async () => {
    const bad = await runCairn(api.url, ['experiments', '--where', 'accuracy >> 0.8']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--where: 'accuracy >> 0.8' is not a condition/);
    const injected = await app.request(`/api/v1/experiments?sort=${encodeURIComponent("accuracy'); DROP TABLE experiments; --")}`);
    expect(injected.status).toBe(422);
    const missing = await app.request('/api/v1/experiments/999999/compare/1');
    expect(missing.status).toBe(404);
    expect(JSON.stringify(await missing.json())).toContain('no experiment 999999');
    const notIds = await runCairn(api.url, ['experiments', 'compare', 'first', '2']);
    expect(notIds.code).toBe(1);
    expect(notIds.stderr).toContain('id: experiment ids are whole numbers, as `cairn experiments` lists them');
  });
});
