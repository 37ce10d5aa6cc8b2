import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { createActivities } from '../../activities';
import { registry } from '../../definitions';
import { fitHistGradientBoosting, penguinsSklearn } from '../../definitions/pythonSteps';
import { compile, definePipeline, defineRegistry, defineStep, readDataset, remoteStep, type JsonObject } from '../../lib/dsl';
import { EXAMPLE_DATASETS } from '../../definitions/exampleData';
import { storeOnnxModel } from '../../lib/models';
import type { OnnxManifest } from '../../lib/ml/onnxManifest';
import { DataError, ConfigError } from '../../lib/errors';
import type { Pipeline } from '../../lib/dsl/definePipeline';
import type { PythonWorker } from '../../lib/pythonWorker';
import { abortRunUpdate, runStateQuery } from '../../lib/runContract/messages';
import { startRun, type StartedRun } from '../../lib/runs/startRun';
import { getVersion } from '../../lib/registry/registry';
import { listRunArtifacts } from '../../lib/store/runArtifacts';
import { checkModelDrift } from '../../lib/drift/modelDrift';
import { resolveOutput } from '../../lib/artifacts/outputRef';
import { PredictionLog } from '../../lib/serving/predictionLog';
import { createApp } from '../../server/app';
import { appDeps } from '../helpers/appDeps';
import { openTestStore, type TestStore } from '../helpers/postgres';
import { searchExperiments } from '../../lib/store/experimentsTable';
import { runPython, startTestPythonWorker, TEST_STEPS } from '../helpers/python';
import { testServices } from '../helpers/sources';
import { connectTestEnv, startTestWorker, uniqueQueue, type RunningWorker } from '../helpers/temporal';
import { waitFor } from '../helpers/waitFor';
import { freePort } from '../../lib/freePort';
import { startApiServer } from '../../server/serve';
import { runCairn } from '../helpers/cli';

// Python steps on a real Temporal Python worker process (python -m cairn_steps.worker, the official
// temporalio SDK), beside Cairn's TypeScript worker and the real PostgreSQL: the scikit-learn example
// end to end and served from ONNX, and the promises every step keeps (config errors named, bad data
// not retried, a killed worker's step done once, cancellation reaching the step).

let env: TestWorkflowEnvironment;
let testStore: TestStore;
let worker: RunningWorker;
const pythonWorkers: PythonWorker[] = [];

beforeAll(async () => {
  env = await connectTestEnv();
  testStore = await openTestStore();
  worker = await startTestWorker(env, createActivities(registry, testServices({ artifacts: testStore.artifacts, store: testStore.store })));
});
afterEach(async () => {
  await Promise.all(pythonWorkers.splice(0).map((w) => w.stop()));
});
afterAll(async () => {
  await worker?.stop();
  await testStore?.close();
  await env?.teardown();
});

async function pythonWorker(queue: string, modules = [TEST_STEPS], env: Record<string, string> = {}): Promise<PythonWorker> {
  const started = await startTestPythonWorker({ queue, modules, artifactsRoot: testStore.artifacts.root, env });
  pythonWorkers.push(started);
  return started;
}

/** A queue of this test's own, a Python worker for the test steps on it, and a fresh side-effect log. */
async function testStepsOnNewQueue(workerEnv: Record<string, string> = {}): Promise<{ queue: string; log: string; python: PythonWorker }> {
  const queue = uniqueQueue('py');
  const log = logFile(queue);
  return { queue, log, python: await pythonWorker(queue, [TEST_STEPS], workerEnv) };
}

/** Waits until the run's first step awaits an operator, and returns that step's state. */
async function firstStepAwaitingOperator(run: StartedRun, timeoutMs?: number) {
  await waitFor(async () => (await run.handle.query(runStateQuery)).steps[0]?.status === 'awaiting_operator', 'the step to await an operator', timeoutMs);
  return (await run.handle.query(runStateQuery)).steps[0];
}

/** The example pipeline, its Python step sent to this test's own queue (other tests may poll `python`). */
function onQueue(pipeline: Pipeline, step: string, queue: string): Pipeline {
  return { ...pipeline, steps: pipeline.steps.map((s) => (s.name === step ? { ...s, queue } : s)) } as Pipeline;
}

const logLines = (path: string) => readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((line) => line.split(' '));

function logFile(name: string): string {
  const path = join(inject('testDir'), `${name}.log`);
  writeFileSync(path, '');
  return path;
}

describe('the penguins-sklearn example: scikit-learn in Python, served from ONNX', () => {
  it('ingests, trains in Python, evaluates against production, registers, deploys, and serves what scikit-learn predicts', async () => {
    const queue = uniqueQueue('py');
    await pythonWorker(queue, [fitHistGradientBoosting.python!.module]);
    const run = await startRun(env.client, { pipeline: onQueue(penguinsSklearn, 'fit', queue), trigger: 'test', taskQueue: worker.taskQueue });
    const result = await run.handle.result();
    expect(result.status).toBe('succeeded');
    const outputs = result.outputs as Record<string, Record<string, unknown>>;
    expect(outputs.entry).toMatchObject({ model: 'penguins-onnx', version: 1, created: true });
    expect(outputs.ship).toMatchObject({ alias: 'production', version: 1 });

    const version = await getVersion(testStore.store.pool, 'penguins-onnx', 1);
    expect(version?.algorithm).toBe('sklearn:HistGradientBoostingClassifier');
    expect(version?.params).toMatchObject({ format: 'onnx', target: 'Species', labels: ['Adelie', 'Chinstrap', 'Gentoo'] });
    expect(version?.metrics.accuracy).toBeGreaterThan(0.9);
    // Trained in Python, it is an experiment all the same: recorded by the step that scored it.
    const experiments = (await searchExperiments(testStore.store.pool, { where: [], limit: 100 })).filter((e) => e.runId === run.runId);
    expect(experiments.map((e) => [e.step, e.activity, e.algorithm, e.datasetSha256])).toEqual([['score', 'evaluate', 'sklearn:HistGradientBoostingClassifier', (outputs.data as { dataset: { sha256: string } }).dataset.sha256]]);
    expect(experiments[0]!.metrics.accuracy).toBe(version?.metrics.accuracy);
    // The ONNX graph is among the run's artifacts, beside the manifest that was registered and the version's model card.
    const files = await listRunArtifacts(testStore.store.pool, run.runId);
    expect(files.filter((f) => f.step === 'entry').map((f) => [f.name, f.mediaType]).sort()).toEqual([
      ['model', 'application/vnd.cairn.model+json'],
      ['model-card', 'application/vnd.cairn.model-card+json'],
      ['model.onnx', 'application/vnd.onnx'],
    ]);

    // The reference: the same training, run again in Python with scikit-learn, predicting the raw rows.
    const dataset = (outputs.data as { dataset: { uri: string } }).dataset;
    const rows = JSON.parse(readFileSync(penguinsSklearn.params.parse({}).dataset as string, 'utf8')) as Record<string, unknown>[];
    const sample = rows.filter((_, i) => i % 9 === 0 || i === 3); // row 3 has every measurement missing
    const reference = runPython<number[][]>(
      [
        'import json,sys,importlib.util',
        'import pandas as pd',
        'from cairn_steps import ArtifactStore',
        'from cairn_steps.onnx_model import prepare_features',
        'a=json.load(sys.stdin)',
        'spec=importlib.util.spec_from_file_location("sklearn_steps",a["module"]); m=importlib.util.module_from_spec(spec); sys.modules["sklearn_steps"]=m; spec.loader.exec_module(m)',
        'frame=ArtifactStore(a["root"]).read_dataset(a["dataset"])',
        'model,x=m.train_model(frame,m.FitConfig(target="Species"))',
        'rows=pd.DataFrame(a["rows"])[list(x.columns)]',
        'print(json.dumps(model.predict_proba(prepare_features(rows)).tolist()))',
      ].join('\n'),
      { module: fitHistGradientBoosting.python!.module, root: testStore.artifacts.root, dataset, rows: sample },
    );

    const predictionLog = new PredictionLog(testStore.store.pool);
    const app = createApp(appDeps({ client: env.client, registry, store: testStore.store, artifacts: testStore.artifacts, predictionLog, taskQueue: worker.taskQueue }));
    const instances = sample.map((row) => Object.fromEntries(Object.entries(row).filter(([k]) => k !== 'Species')));
    const response = await app.request('/api/v1/models/penguins-onnx/predict', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instances }) });
    expect(response.status).toBe(200);
    const served = (await response.json()) as { version: number; predictions: { label: string; probabilities: Record<string, number> }[] };
    expect(served.version).toBe(1);
    const labels = ['Adelie', 'Chinstrap', 'Gentoo'];
    const differences = served.predictions.flatMap((p, i) => labels.map((label, c) => Math.abs((p.probabilities[label] as number) - (reference[i]![c] as number))));
    expect(differences).toHaveLength(sample.length * 3);
    expect(Math.max(...differences)).toBeLessThan(1e-5);
    // Logged for drift like any served prediction: the features the model reads, by name.
    await predictionLog.close();
    const logged = await testStore.store.pool.query<{ features: Record<string, unknown>; prediction: string }>("SELECT features, prediction FROM prediction_log WHERE model = 'penguins-onnx' ORDER BY item");
    expect(logged.rows).toHaveLength(sample.length);
    expect(Object.keys(logged.rows[0]!.features).sort()).toEqual(Object.keys(instances[0]!).sort());
    expect(logged.rows.map((r) => r.prediction)).toEqual(served.predictions.map((p) => p.label));

    // Drift is watched as for Cairn's own models: the same data against its reference is no drift,
    // with the ONNX model's predictions compared and its accuracy on the labelled rows.
    const datasetSha = (outputs.data as { dataset: { sha256: string } }).dataset.sha256;
    const report = await checkModelDrift(testStore.store.pool, testStore.artifacts, { model: 'penguins-onnx', alias: 'production', current: { kind: 'dataset', sha256: datasetSha }, minRows: 10, thresholds: {} });
    expect(report).toMatchObject({ status: 'checked', version: 1, drifted: false, driftedFeatures: [] });
    expect(report?.features.map((f) => f.feature).sort()).toEqual(Object.keys(instances[0]!).sort());
    expect(report?.prediction?.drifted).toBe(false);
    expect(report?.accuracy?.current).toBeGreaterThan(0.95);
  }, 120_000);

  it('a TypeScript step registers an ONNX file made elsewhere: the manifest Python writes, the same score', async () => {
    // The graph scikit-learn exported in the example above, as a file a team trained elsewhere.
    const python = await getVersion(testStore.store.pool, 'penguins-onnx', 1);
    expect(python).toBeDefined();
    const pythonManifest = JSON.parse((await testStore.artifacts.read(`cas://sha256/${python!.modelSha256}`)).toString('utf8')) as OnnxManifest;
    const graph = await testStore.artifacts.read(pythonManifest.onnx);
    const file = join(inject('testDir'), 'penguins-elsewhere.onnx');
    writeFileSync(file, graph);
    const description = {
      task: pythonManifest.task,
      target: pythonManifest.target,
      features: pythonManifest.features,
      labels: pythonManifest.labels,
      algorithm: pythonManifest.algorithm,
      hyperparameters: pythonManifest.hyperparameters,
      outputs: pythonManifest.outputs,
    };
    const importOnnx = defineStep({
      name: 'test-import-onnx',
      config: z.object({ path: z.string() }),
      run: async ({ config, upstream }, runtime) => ({
        model: await storeOnnxModel(runtime.artifacts, readFileSync(config.path), description),
        dataset: (upstream.data as { dataset: JsonObject }).dataset,
        split: { testFraction: 0.2, seed: 42 },
      }),
    });
    const imported = definePipeline({
      id: 'penguins-imported',
      params: z.object({}),
      steps: {
        data: { activity: 'ingest', config: { source: penguinsSklearn.params.parse({}).dataset as string } },
        model: { activity: importOnnx, after: ['data'], config: { path: file } },
        score: { activity: 'evaluate', after: ['model'] },
        entry: { activity: 'register', after: ['score'], config: { model: 'penguins-imported' } },
      },
    });
    const tsWorker = await startTestWorker(env, createActivities(defineRegistry({ pipelines: [imported] }), testServices({ artifacts: testStore.artifacts, store: testStore.store })));
    try {
      const result = await (await startRun(env.client, { pipeline: imported, trigger: 'test', taskQueue: tsWorker.taskQueue })).handle.result();
      const stored = JSON.parse((await testStore.artifacts.read((result.outputs.model as { model: { uri: string } }).model)).toString('utf8')) as OnnxManifest;
      expect(stored).toEqual(pythonManifest);
      const version = await getVersion(testStore.store.pool, 'penguins-imported', 1);
      expect(version?.metrics.accuracy).toBe(python!.metrics.accuracy);
    } finally {
      await tsWorker.stop();
    }
    // A description the graph does not fit fails the step that stores it, named, before anything is stored.
    const misnamed = { ...description, features: description.features.map((f, i) => (i === 0 ? { ...f, input: 'nope' } : f)) };
    await expect(storeOnnxModel(testStore.artifacts, graph, misnamed)).rejects.toThrow(DataError);
    await expect(storeOnnxModel(testStore.artifacts, graph, misnamed)).rejects.toThrow(/the ONNX graph has no input 'nope' \(its inputs: /);
    await expect(storeOnnxModel(testStore.artifacts, graph, { ...description, labels: [] })).rejects.toThrow(ConfigError);
    await expect(storeOnnxModel(testStore.artifacts, graph, { ...description, labels: [] })).rejects.toThrow(/storeOnnxModel: a classification model names its probabilities output and at least two labels/);
  }, 120_000);

  it('rejects a bad config when definitions load, naming the field', () => {
    const bad = onQueue(penguinsSklearn, 'fit', 'py');
    const broken = { ...bad, steps: bad.steps.map((s) => (s.name === 'fit' ? { ...s, config: { target: 'Species', maxIter: 0, learningrate: 0.1 } } : s)) } as Pipeline;
    expect(() => defineRegistry({ pipelines: [broken] })).toThrow(/step 'fit'.*maxIter.*(>=|at least|greater).*1|learningrate/s);
    expect(() => compile(broken, {})).toThrow(/maxIter/);
  });
});

describe('a Python step keeps the promises of a TypeScript step', () => {
  it("refuses a bad config on the worker with pydantic's message, without retries", async () => {
    const queue = uniqueQueue('py');
    await pythonWorker(queue, [fitHistGradientBoosting.python!.module]);
    // Declared without a schema, so only the Python side can check it.
    const pipeline = definePipeline({
      id: 'py-bad-config',
      params: z.object({}),
      steps: { fit: { activity: remoteStep({ name: 'fit-hist-gradient-boosting', queue }), config: { target: 'Species', maxIter: 0 }, retry: { attempts: 5 } } },
    });
    const run = await startRun(env.client, { pipeline, trigger: 'test', taskQueue: worker.taskQueue });
    const step = await firstStepAwaitingOperator(run);
    expect(step?.error).toMatchObject({ type: 'ConfigError', nonRetryable: true });
    expect(step?.error?.message).toContain("step 'fit' (fit-hist-gradient-boosting): config.maxIter: Input should be greater than or equal to 1");
    expect(step?.attempts).toBe(1);
    await run.handle.executeUpdate(abortRunUpdate, { args: [{ reason: 'bad config' }] });
  });

  it('sends a DataError straight to the operator: one attempt of five', async () => {
    const { queue, log } = await testStepsOnNewQueue();
    const pipeline = definePipeline({ id: 'py-bad-data', params: z.object({}), steps: { check: { activity: remoteStep({ name: 'py-bad-data', queue }), config: { log }, retry: { attempts: 5 } } } });
    const run = await startRun(env.client, { pipeline, trigger: 'test', taskQueue: worker.taskQueue });
    const step = await firstStepAwaitingOperator(run);
    expect(step?.error).toMatchObject({ type: 'DataError', nonRetryable: true, message: "row 7: 'price' is not a number" });
    expect(logLines(log).filter(([event]) => event === 'start')).toHaveLength(1);
    await run.handle.executeUpdate(abortRunUpdate, { args: [{ reason: 'bad data' }] });
    await expect(run.handle.result()).rejects.toThrow(WorkflowFailedError);
  });

  it('a Python worker killed with SIGKILL mid-step: the run completes on a second one, each side effect done once', async () => {
    const { queue, log, python: victim } = await testStepsOnNewQueue();
    const work = <const A extends string = never>(after: readonly A[], ms: number) => ({
      activity: remoteStep({ name: 'py-side-effect', queue }),
      after,
      config: { log, ms } as JsonObject,
      heartbeat: '1s' as const,
      retry: { attempts: 5, backoff: { initial: '200ms' as const } },
    });
    const pipeline = definePipeline({ id: 'py-crash', params: z.object({}), steps: { extract: work([], 0), train: work(['extract'], 4_000), publish: work(['train'], 0) } });
    const run = await startRun(env.client, { pipeline, trigger: 'test', taskQueue: worker.taskQueue });
    await waitFor(() => logLines(log).some(([event, step]) => event === 'start' && step === 'train'), 'train to start');
    victim.process.kill('SIGKILL');
    await waitFor(() => victim.process.exitCode !== null || victim.process.signalCode !== null, 'the victim to die');
    const survivor = await pythonWorker(queue);

    const result = await run.handle.result();
    expect(result.status).toBe('succeeded');
    const count = (event: string, step: string) => logLines(log).filter(([e, s]) => e === event && s === step).length;
    expect([count('start', 'extract'), count('done', 'extract')]).toEqual([1, 1]);
    expect([count('start', 'train'), count('done', 'train')]).toEqual([2, 1]);
    expect([count('start', 'publish'), count('done', 'publish')]).toEqual([1, 1]);
    expect(Number(logLines(log).find(([e, s]) => e === 'done' && s === 'train')?.[3])).toBe(survivor.process.pid);
    // A lost worker is infrastructure: the step ran again without using up one of its attempts.
    expect(result.steps.find((s) => s.name === 'train')).toMatchObject({ status: 'succeeded', attempts: 1, infrastructureRetries: 1 });
    expect(result.outputs.publish).toMatchObject({ step: 'publish', upstream: ['train'] });
  }, 90_000);

  it('a step that reports its own progress (heartbeat="manual") and goes silent fails as StepStalled', async () => {
    const { queue, log } = await testStepsOnNewQueue();
    const pipeline = definePipeline({
      id: 'py-stall',
      params: z.object({}),
      steps: { quiet: { activity: remoteStep({ name: 'py-silent', queue }), config: { log, ms: 30_000 }, heartbeat: '1s', retry: { attempts: 1 } } },
    });
    const run = await startRun(env.client, { pipeline, trigger: 'test', taskQueue: worker.taskQueue });
    const step = await firstStepAwaitingOperator(run, 20_000);
    expect(step?.error?.type).toBe('StepStalled');
    expect(step?.error?.message).toMatch(/step 'quiet' reported no progress for \d+ s \(its heartbeat timeout is 1 s\)/);
    await run.handle.executeUpdate(abortRunUpdate, { args: [{ reason: 'stalled' }] });
  });

  it('cancelling the run cancels the Python step', async () => {
    const { queue, log } = await testStepsOnNewQueue();
    const pipeline = definePipeline({
      id: 'py-cancel',
      params: z.object({}),
      steps: { long: { activity: remoteStep({ name: 'py-side-effect', queue }), config: { log, ms: 60_000 }, heartbeat: '1s' } },
    });
    const run = await startRun(env.client, { pipeline, trigger: 'test', taskQueue: worker.taskQueue });
    await waitFor(() => logLines(log).some(([event]) => event === 'start'), 'the step to start');
    await run.handle.cancel();
    await expect(run.handle.result()).rejects.toThrow();
    await waitFor(() => logLines(log).some(([event]) => event === 'cancelled'), 'the step to see the cancellation', 10_000);
    expect(logLines(log).filter(([event]) => event === 'done')).toHaveLength(0);
  });

  it("exports the TypeScript workers' step metrics, by the same names, for the same dashboard and alerts", async () => {
    const port = await freePort();
    const { queue, log } = await testStepsOnNewQueue({ CAIRN_WORKER_METRICS_PORT: String(port) });
    const pipeline = definePipeline({ id: 'py-metrics', params: z.object({}), steps: { counted: { activity: remoteStep({ name: 'py-side-effect', queue }), config: { log } } } });
    const run = await startRun(env.client, { pipeline, trigger: 'test', taskQueue: worker.taskQueue });
    expect((await run.handle.result()).status).toBe('succeeded');
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const counted = metrics
      .split('\n')
      .filter((line) => line.startsWith('cairn_step_duration_seconds_count{'))
      .filter((line) => ['pipeline="py-metrics"', 'step="counted"', 'activity="py-side-effect"', 'outcome="succeeded"'].every((label) => line.includes(label)));
    expect(counted).toHaveLength(1);
    expect(Number(counted[0]?.split(' ').pop())).toBe(1);
    expect(metrics).toMatch(/^# TYPE cairn_step_retries_total counter$/m);
  });

  it("keeps a Python step's log lines with the run, a failed attempt's traceback included, trimmed at the bound; readable through the API, the CLI and the run page", async () => {
    const { queue } = await testStepsOnNewQueue({ DATABASE_URL: testStore.store.url, CAIRN_STEP_LOG_MAX_LINES: '25' });
    const chatty = remoteStep({ name: 'py-chatty', queue });
    const pipeline = definePipeline({
      id: 'py-logs',
      params: z.object({}),
      steps: {
        first: { activity: chatty, config: { lines: 3, failFirst: true }, retry: { attempts: 2, backoff: { initial: '10ms' } } },
        flood: { activity: chatty, after: ['first'], config: { lines: 60 } },
      },
    });
    const logsRegistry = defineRegistry({ pipelines: [pipeline] });
    const run = await startRun(env.client, { pipeline, trigger: 'test', taskQueue: worker.taskQueue });
    expect((await run.handle.result()).status).toBe('succeeded');
    const app = createApp(appDeps({ client: env.client, registry: logsRegistry, store: testStore.store, taskQueue: worker.taskQueue }));
    type Logs = { lines: { attempt: number; level: string; message: string; fields: Record<string, unknown> | null }[]; trimmed: Record<string, number> };
    const logs = async (step: string) => (await (await app.request(`/api/v1/runs/${encodeURIComponent(run.runId)}/steps/${step}/logs`)).json()) as Logs;
    const first = await logs('first');
    expect(first.lines.map((l) => `${l.attempt} ${l.level} ${l.message}`)).toEqual([
      '1 info line 0',
      '1 info line 1',
      '1 info line 2',
      '1 error giving up on attempt 1',
      '1 error attempt 1 failed: first attempt fails',
      '2 info line 0',
      '2 info line 1',
      '2 info line 2',
      '2 warn done',
    ]);
    expect(first.lines[1]?.fields).toEqual({ i: 1 });
    expect(first.lines[4]?.fields).toEqual({ type: 'RuntimeError', stack: expect.stringMatching(/^Traceback \(most recent call last\):[\s\S]+RuntimeError: first attempt fails\n$/) });
    // 60 lines and 'done': the oldest 36 trimmed, the newest 25 kept.
    const flood = await logs('flood');
    expect(flood.trimmed).toEqual({ flood: 36 });
    expect(flood.lines.map((l) => l.message)).toEqual([...Array.from({ length: 24 }, (_, i) => `line ${36 + i}`), 'done']);
    const api = await startApiServer(app, '127.0.0.1', await freePort());
    try {
      const cli = await runCairn(api.url, ['logs', run.runId, 'first']);
      expect(cli.stdout).toContain('giving up on attempt 1');
      expect(cli.stdout).toContain('attempt 1 failed: first attempt fails');
    } finally {
      await api.close();
    }
    const page = await (await app.request(`/ui/runs/${encodeURIComponent(run.runId)}`)).text();
    expect(page).toContain('#1 error attempt 1 failed: first attempt fails');
    expect(page).toContain('36 older lines were trimmed');
  });

  it('numpy scalars and arrays in an output arrive as plain numbers and lists; NaN or a datetime goes to the operator, its field named', async () => {
    const { queue, log } = await testStepsOnNewQueue();
    const pipeline = definePipeline({
      id: 'py-numpy',
      params: z.object({ ms: z.number() }),
      steps: { fit: { activity: remoteStep({ name: 'py-numpy-output', queue }), config: (p) => ({ log, ms: p.ms }) } },
    });
    const good = await startRun(env.client, { pipeline, params: { ms: 0 }, trigger: 'test', taskQueue: worker.taskQueue });
    const result = await good.handle.result();
    expect(result.status).toBe('succeeded');
    expect(result.outputs.fit).toEqual({ rows: 3, score: 0.5, best: 1, weights: [[1.5, 2], [0, -1]], flag: true });
    const bad = await startRun(env.client, { pipeline, params: { ms: 1 }, trigger: 'test', taskQueue: worker.taskQueue });
    const step = await firstStepAwaitingOperator(bad);
    expect(step?.error).toMatchObject({ type: 'ConfigError', message: "step 'fit' returned a value that is not plain JSON: output.score is nan, which JSON cannot hold: return None or a finite number" });
    expect(step?.attempts).toBe(1);
    await bad.handle.executeUpdate(abortRunUpdate, { args: [{ reason: 'NaN output' }] });
    const dated = await startRun(env.client, { pipeline, params: { ms: 2 }, trigger: 'test', taskQueue: worker.taskQueue });
    expect((await firstStepAwaitingOperator(dated))?.error?.message).toBe("step 'fit' returned a value that is not plain JSON: output.trained.at is a datetime: return its text, value.isoformat()");
    await dated.handle.executeUpdate(abortRunUpdate, { args: [{ reason: 'datetime output' }] });
  });

  it("a pandas feature step's put_dataset is validated and trained on, and has a data card naming the step and the dataset it came from", async () => {
    const { queue, log } = await testStepsOnNewQueue();
    const penguins = EXAMPLE_DATASETS.penguins;
    const pipeline = definePipeline({
      id: 'py-features',
      params: z.object({}),
      steps: {
        load: { activity: 'ingest', config: { source: penguins.path, format: penguins.format } },
        features: { activity: remoteStep({ name: 'py-beak-features', queue }), after: ['load'], config: { log } },
        check: { activity: 'validate', after: ['features'], config: { contract: { columns: { beak_ratio: { type: 'number', min: 1 } } } } },
        fit: { activity: 'train', after: ['check'], config: { target: 'Species' } },
      },
    });
    const run = await startRun(env.client, { pipeline, trigger: 'test', taskQueue: worker.taskQueue });
    const result = await run.handle.result();
    expect(result.status).toBe('succeeded');
    // The rows, computed here from the raw file, independently of pandas.
    const raw = JSON.parse(readFileSync(penguins.path, 'utf8')) as Array<Record<string, string | number | null>>;
    const expected = raw
      .filter((p) => typeof p['Beak Length (mm)'] === 'number' && typeof p['Beak Depth (mm)'] === 'number')
      .map((p) => ({ Species: p.Species, Island: p.Island, beak_ratio: (p['Beak Length (mm)'] as number) / (p['Beak Depth (mm)'] as number) }));
    const dataset = (result.outputs.features as { dataset: { sha256: string; uri: string } }).dataset;
    expect(await readDataset(testStore.artifacts, dataset)).toEqual(expected);
    expect(result.outputs.fit).toMatchObject({ dataset: { sha256: dataset.sha256 }, labels: ['Adelie', 'Chinstrap', 'Gentoo'] });

    const app = createApp(appDeps({ client: env.client, registry, store: testStore.store, artifacts: testStore.artifacts, taskQueue: worker.taskQueue, temporalUiUrl: null }));
    const answer = (await (await app.request(`/api/v1/datasets/${dataset.sha256}/card`)).json()) as { card: { source: unknown; producedBy: unknown[]; profile: { rows: number; columns: Array<{ name: string }> }; validations: unknown[] } };
    // Its lineage travelled in the Parquet file (put_dataset's derived_from) to the stage that recorded it.
    const loaded = (result.outputs.load as { dataset: { sha256: string } }).dataset;
    expect(answer.card.source).toEqual({ kind: 'step', format: 'parquet', location: 'py-features/features', derivedFrom: [loaded.sha256] });
    expect(answer.card.producedBy).toEqual([expect.objectContaining({ runId: run.runId, step: 'features' })]);
    expect(answer.card.profile.rows).toBe(expected.length);
    expect(answer.card.profile.columns.map((c) => c.name)).toEqual(['Species', 'Island', 'beak_ratio']);
    expect(answer.card.validations).toEqual([expect.objectContaining({ runId: run.runId, step: 'check', passed: true })]);
  });

  it('a large output travels through the shared artifact store and arrives whole downstream', async () => {
    const { queue, log } = await testStepsOnNewQueue();
    const pipeline = definePipeline({
      id: 'py-large',
      params: z.object({}),
      steps: {
        big: { activity: remoteStep({ name: 'py-large-output', queue }), config: { log } },
        next: { activity: remoteStep({ name: 'py-side-effect', queue }), after: ['big'], config: { log } },
      },
    });
    const run = await startRun(env.client, { pipeline, trigger: 'test', taskQueue: worker.taskQueue });
    const result = await run.handle.result();
    expect(result.status).toBe('succeeded');
    // The workflow holds only a reference; the value behind it is what the Python step returned.
    expect(result.outputs.big).toMatchObject({ $cairnOutput: expect.stringMatching(/^cas:\/\/sha256\//) });
    expect(((await resolveOutput(result.outputs.big ?? null, testStore.artifacts)) as { values: number[] }).values).toEqual(Array.from({ length: 20_000 }, (_, i) => i));
    expect(result.outputs.next).toMatchObject({ upstream: ['big'] });
  });
});
