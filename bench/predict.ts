/**
 * predict: single-row POST /api/v1/models/penguins/predict on the full Cairn app (request ids,
 * secure headers, auth check, rate limiter, zod validation, feature-schema checks, inference,
 * prediction log and metrics) beside a bare Hono route that checks the same bearer key and returns a
 * constant, each served by @hono/node-server in this process, warmed up alike and loaded by
 * autocannon in a child process (32 connections, 8 s, rounds alternating), every request with a key. Server time is measured around app.fetch; latency and req/s by autocannon.
 * The same route also serves the penguins model that scikit-learn trained in Python
 * (definitions/python/sklearn_steps.py), exported to ONNX and run by onnxruntime-node: the 'onnx' side;
 * MLflow's scoring server (`mlflow models serve`, from the peers' venv) serving that model fitted
 * again in Python, loaded by the same clients: the 'mlflow' side; and the same model behind a
 * hand-written FastAPI route under uvicorn (bench/peers/fastapiServe.py): the 'fastapi' side.
 * Needs PostgreSQL (DATABASE_URL, else the local server on 127.0.0.1:5432): the prediction log writes there;
 * and `npm run setup` (the Python venv with scikit-learn, and onnxruntime-node).
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { Hono } from 'hono';
import { EXAMPLE_DATASETS } from '../definitions/exampleData';
import { ArtifactStore } from '../lib/artifacts/artifactStore';
import { hashKey, newApiKey, sameHash } from '../lib/auth/apiKeys';
import { config } from '../lib/config';
import { ingestFile } from '../lib/data/ingestFile';
import { defineRegistry } from '../lib/dsl';
import { freePort } from '../lib/freePort';
import { logger } from '../lib/logger';
import { trainModel } from '../lib/ml/trainModel';
import { moveAlias } from '../lib/registry/aliases';
import { registerVersion } from '../lib/registry/registry';
import { PredictionLog } from '../lib/serving/predictionLog';
import { PROJECT_PYTHON } from '../lib/pythonWorker';
import type { ArtifactRef } from '../lib/artifacts/artifactRef';
import { describeModel } from '../lib/ml/servableModel';
import { openStore } from '../lib/store/openStore';
import { createScratchDatabase } from '../lib/store/scratchDatabase';
import { servingModels } from '../lib/serving/servingModels';
import { createApp } from '../server/app';
import { startApiServer } from '../server/serve';
import { peersBin, peersPython } from './peersVenv';
import { percentile, round } from './stats';

const CONNECTIONS = 32;
const SECONDS = 8;
const ROUNDS = 2;
const AUTOCANNON = join(createRequire(import.meta.url).resolve('autocannon'), '..', 'autocannon.js');
const ROUND_TRIP_CLIENT = fileURLToPath(new URL('./roundTripClient.ts', import.meta.url));
const ROUND_TRIPS = 3_000;
const instance = { Island: 'Biscoe', 'Beak Length (mm)': 47.5, 'Beak Depth (mm)': 14.2, 'Flipper Length (mm)': 217, 'Body Mass (g)': 5200, Sex: 'MALE' };

const SKLEARN_STEPS = fileURLToPath(new URL('../definitions/python/sklearn_steps.py', import.meta.url));

/** The example's scikit-learn model, trained in Python on the dataset and stored as ONNX with its manifest. */
function trainOnnxModel(artifacts: ArtifactStore, dataset: ArtifactRef): ArtifactRef {
  const script = [
    'import importlib.util, json, sys',
    'from cairn_steps import ArtifactStore',
    'from cairn_steps.onnx_model import save_sklearn_model',
    'root, dataset, module = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]',
    'spec = importlib.util.spec_from_file_location("sklearn_steps", module); steps = importlib.util.module_from_spec(spec); sys.modules["sklearn_steps"] = steps; spec.loader.exec_module(steps)',
    'store = ArtifactStore(root)',
    'model, x = steps.train_model(store.read_dataset(dataset), steps.FitConfig(target="Species"))',
    'print(json.dumps(save_sklearn_model(store, model, x, task="classification", target="Species")))',
  ].join('\n');
  return JSON.parse(execFileSync(PROJECT_PYTHON, ['-c', script, artifacts.root, JSON.stringify(dataset), SKLEARN_STEPS], { encoding: 'utf8' })) as ArtifactRef;
}

/**
 * `mlflow models serve` (its own uvicorn worker, from the peers' venv) with the example's model fitted
 * again in Python and saved in MLflow's format; resolves with its URL and the request body for `instance`.
 */
async function startMlflow(dir: string): Promise<PythonServer> {
  const python = peersPython();
  const modelDir = join(dir, 'mlflow-model');
  const printed = execFileSync(python, [fileURLToPath(new URL('./peers/mlflowModel.py', import.meta.url)), EXAMPLE_DATASETS.penguins.path, modelDir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const { columns } = JSON.parse(printed.split('\n').find((l) => l.startsWith('{')) as string) as { columns: string[] };
  const port = await freePort();
  const server = spawn(join(peersBin(), 'mlflow'), ['models', 'serve', '-m', modelDir, '--env-manager', 'local', '-h', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, PATH: `${peersBin()}:${process.env.PATH ?? ''}` },
    stdio: 'ignore',
  });
  const body = { dataframe_split: { columns, data: [columns.map((c) => (instance as Record<string, unknown>)[c] ?? null)] } };
  return untilItAnswers('mlflow models serve', server, `http://127.0.0.1:${port}/invocations`, body);
}

/** The same model fitted again in Python and served by a hand-written FastAPI route under uvicorn (bench/peers/fastapiServe.py). */
async function startFastapi(): Promise<PythonServer> {
  const port = await freePort();
  const server = spawn(peersPython(), [fileURLToPath(new URL('./peers/fastapiServe.py', import.meta.url)), EXAMPLE_DATASETS.penguins.path, String(port)], { stdio: 'ignore' });
  return untilItAnswers('the FastAPI server', server, `http://127.0.0.1:${port}/predict`, { instance });
}

type PythonServer = { url: string; body: unknown; stop: () => void };

/** Waits (60 s at most) for a server this benchmark started to answer `body` with a 2xx. */
async function untilItAnswers(name: string, server: ChildProcess, url: string, body: unknown): Promise<PythonServer> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const answered = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.ok, () => false);
    if (answered) return { url, body, stop: () => server.kill('SIGTERM') };
    if (Date.now() > deadline || server.exitCode !== null) {
      server.kill('SIGTERM');
      throw new Error(`${name} did not answer within 60 s`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

type Fetch = (request: Request, env?: unknown) => Response | Promise<Response>;

/** Wraps an app's fetch to record the time each request spends inside it (passing on the Node request in `env`). */
function timed(fetch: Fetch, samples: number[]): Fetch {
  return async (request, env) => {
    const t0 = performance.now();
    const response = await fetch(request, env);
    samples.push(performance.now() - t0);
    return response;
  };
}

/** The key every request to Cairn and to the bare route carries (the Python servers have no keys). */
const API_KEY = newApiKey().key;

async function load(url: string, body: unknown = { instance }, key: string | null = API_KEY): Promise<{ p50: number; p99: number; rps: number; errors: number; non2xx: number }> {
  const auth = key ? ['-H', `authorization=Bearer ${key}`] : [];
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [AUTOCANNON, '-c', String(CONNECTIONS), '-d', String(SECONDS), '-m', 'POST', '-H', 'content-type=application/json', ...auth, '-b', JSON.stringify(body), '--json', url],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const result = JSON.parse(stdout) as { latency: { p50: number; p99: number }; requests: { average: number }; errors: number; non2xx: number };
  return { p50: result.latency.p50, p99: result.latency.p99, rps: result.requests.average, errors: result.errors, non2xx: result.non2xx };
}

/** Unloaded latency: one connection, one request at a time, from a client process of its own. */
async function roundTrips(url: string, body: unknown = { instance }, key: string | null = API_KEY): Promise<{ p50: number; p99: number }> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', ROUND_TRIP_CLIENT, url, String(ROUND_TRIPS), JSON.stringify(body), key ?? '']);
  return JSON.parse(stdout) as { p50: number; p99: number };
}

export async function predict(): Promise<string> {
  logger.level = 'warn'; // one info line per request would measure the terminal, not the server
  const database = await createScratchDatabase(config().DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', 'cairn_bench');
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-predict-'));
  const store = await openStore({ databaseUrl: database.url, home: dir });
  const artifacts = new ArtifactStore(join(dir, 'artifacts'));
  const { dataset } = await ingestFile(EXAMPLE_DATASETS.penguins.path, 'json', artifacts, dir);
  const trained = await trainModel(await artifacts.verifiedPath(dataset), { target: 'Species' });
  const modelRef = await artifacts.put(Buffer.from(JSON.stringify(trained.model)), 'application/vnd.cairn.model+json');
  const lineage = { runId: 'bench', workflowRunId: 'bench', step: 'entry', pipeline: 'bench', specHash: 'bench', datasetSha256: dataset.sha256, codeVersion: 'bench' };
  await registerVersion(store.pool, { model: 'penguins', modelRef, algorithm: trained.model.algorithm, metrics: {}, params: {}, lineage });
  await moveAlias(store.pool, { model: 'penguins', alias: 'production', version: 1, actor: 'bench', reason: 'bench' });
  // The same production model with a shadow behind it (another fit): the 'shadow' side, to price a shadow alias.
  const other = await trainModel(await artifacts.verifiedPath(dataset), { target: 'Species', l2: 1 });
  const otherRef = await artifacts.put(Buffer.from(JSON.stringify(other.model)), 'application/vnd.cairn.model+json');
  await registerVersion(store.pool, { model: 'penguins-shadowed', modelRef, algorithm: trained.model.algorithm, metrics: {}, params: {}, lineage });
  await registerVersion(store.pool, { model: 'penguins-shadowed', modelRef: otherRef, algorithm: other.model.algorithm, metrics: {}, params: {}, lineage: { ...lineage, runId: 'bench-shadow' } });
  await moveAlias(store.pool, { model: 'penguins-shadowed', alias: 'production', version: 1, actor: 'bench', reason: 'bench' });
  await moveAlias(store.pool, { model: 'penguins-shadowed', alias: 'shadow', version: 2, actor: 'bench', reason: 'bench' });
  const onnxRef = trainOnnxModel(artifacts, dataset);
  await registerVersion(store.pool, { model: 'penguins-onnx', modelRef: onnxRef, algorithm: (await describeModel(artifacts, onnxRef)).algorithm, metrics: {}, params: {}, lineage });
  await moveAlias(store.pool, { model: 'penguins-onnx', alias: 'production', version: 1, actor: 'bench', reason: 'bench' });

  // The API checks a Temporal deadline on every call; prediction routes never call Temporal, so a lazy client suffices.
  const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  const appWith = (predictionLog: PredictionLog) =>
    createApp({ client, registry: defineRegistry({ pipelines: [] }), store, artifacts, models: servingModels(store.pool, artifacts, null), predictionLog, taskQueue: 'bench', temporalUiUrl: null, security: { rateLimitPerMinute: 1e9, envApiKeys: [{ role: 'viewer', sha256: hashKey(API_KEY) }] } });
  // 'cairn' is the buffered prediction log; 'durable' fsyncs each group of rows to a local journal before answering.
  const predictionLog = new PredictionLog(store.pool);
  const durableLog = await PredictionLog.open(store.pool, 'durable', join(dir, 'journal'));
  const app = appWith(predictionLog);
  // The baseline checks the same bearer key the same way (its SHA-256 compared in constant time): auth on both sides.
  const keyHash = hashKey(API_KEY);
  const bare = new Hono().post('/predict', (c) => {
    const token = c.req.header('authorization')?.replace(/^Bearer /, '') ?? '';
    return sameHash(hashKey(token), keyHash) ? c.json({ label: 'Gentoo' }) : c.json({ error: 'unauthorized' }, 401);
  });
  const serverTimes = { cairn: [] as number[], bare: [] as number[], durable: [] as number[], onnx: [] as number[], shadow: [] as number[], mlflow: [] as number[] /* another process: client-side figures only */, fastapi: [] as number[] };
  const cairnServer = await startApiServer({ fetch: timed(app.fetch, serverTimes.cairn) }, '127.0.0.1', await freePort());
  const bareServer = await startApiServer({ fetch: timed(bare.fetch, serverTimes.bare) }, '127.0.0.1', await freePort());
  const durableServer = await startApiServer({ fetch: timed(appWith(durableLog).fetch, serverTimes.durable) }, '127.0.0.1', await freePort());
  const onnxServer = await startApiServer({ fetch: timed(app.fetch, serverTimes.onnx) }, '127.0.0.1', await freePort());
  const shadowServer = await startApiServer({ fetch: timed(app.fetch, serverTimes.shadow) }, '127.0.0.1', await freePort());
  const cairnUrl = `${cairnServer.url}/api/v1/models/penguins/predict`;
  const bareUrl = `${bareServer.url}/predict`;
  const durableUrl = `${durableServer.url}/api/v1/models/penguins/predict`;
  const onnxUrl = `${onnxServer.url}/api/v1/models/penguins-onnx/predict`;
  const shadowUrl = `${shadowServer.url}/api/v1/models/penguins-shadowed/predict`;
  const mlflow = await startMlflow(dir);
  const fastapi = await startFastapi().catch((error: unknown) => {
    mlflow.stop();
    throw error;
  });
  try {
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` };
    for (const url of [cairnUrl, onnxUrl, shadowUrl, bareUrl]) {
      const check = await fetch(url, { method: 'POST', body: JSON.stringify({ instance }), headers });
      if (check.status !== 200) throw new Error(`${url} answered ${check.status}: ${await check.text()}`);
    }
    const keyless = await fetch(cairnUrl, { method: 'POST', body: JSON.stringify({ instance }), headers: { 'content-type': 'application/json' } });
    if (keyless.status !== 401) throw new Error(`predict without a key answered ${keyless.status}: auth is not on`);
    // Every server gets the same warm-up (JIT, connection pools), not counted.
    for (const url of [bareUrl, cairnUrl, durableUrl, onnxUrl, shadowUrl]) await load(url);
    await load(mlflow.url, mlflow.body, null);
    await load(fastapi.url, fastapi.body, null);
    for (const times of Object.values(serverTimes)) times.length = 0;
    type Latency = { p50: number; p99: number };
    const unloaded = { cairn: [] as Latency[], bare: [] as Latency[], durable: [] as Latency[], onnx: [] as Latency[], shadow: [] as Latency[], mlflow: [] as Latency[], fastapi: [] as Latency[] };
    for (let r = 0; r < 3; r++) {
      unloaded.bare.push(await roundTrips(bareUrl));
      unloaded.cairn.push(await roundTrips(cairnUrl));
      unloaded.durable.push(await roundTrips(durableUrl));
      unloaded.onnx.push(await roundTrips(onnxUrl));
      unloaded.shadow.push(await roundTrips(shadowUrl));
      unloaded.mlflow.push(await roundTrips(mlflow.url, mlflow.body, null));
      unloaded.fastapi.push(await roundTrips(fastapi.url, fastapi.body, null));
    }
    type Load = Awaited<ReturnType<typeof load>>;
    const runs = { cairn: [] as Load[], bare: [] as Load[], durable: [] as Load[], onnx: [] as Load[], shadow: [] as Load[], mlflow: [] as Load[], fastapi: [] as Load[] };
    for (let r = 0; r < ROUNDS; r++) {
      runs.bare.push(await load(bareUrl));
      runs.cairn.push(await load(cairnUrl));
      runs.durable.push(await load(durableUrl));
      runs.onnx.push(await load(onnxUrl));
      runs.shadow.push(await load(shadowUrl));
      runs.mlflow.push(await load(mlflow.url, mlflow.body, null));
      runs.fastapi.push(await load(fastapi.url, fastapi.body, null));
    }
    await predictionLog.flush();
    await durableLog.flush();
    const logged = Number((await store.pool.query('SELECT count(*) AS n FROM prediction_log')).rows[0].n);
    const shadowed = Number((await store.pool.query('SELECT count(*) AS n FROM shadow_predictions')).rows[0].n);
    const median = (xs: number[]) => percentile(xs, 50);
    const figures = (name: 'cairn' | 'bare' | 'durable' | 'onnx' | 'shadow' | 'mlflow' | 'fastapi') => ({
      serverP50: percentile(serverTimes[name], 50),
      serverP99: percentile(serverTimes[name], 99),
      p50: median(runs[name].map((x) => x.p50)),
      p99: median(runs[name].map((x) => x.p99)),
      rps: median(runs[name].map((x) => x.rps)),
      failed: runs[name].reduce((n, x) => n + x.errors + x.non2xx, 0),
      unloadedP50: median(unloaded[name].map((x) => x.p50)),
      unloadedP99: median(unloaded[name].map((x) => x.p99)),
    });
    const c = figures('cairn');
    const b = figures('bare');
    const d = figures('durable');
    const o = figures('onnx');
    const m = figures('mlflow');
    const fa = figures('fastapi');
    const sh = figures('shadow');
    console.log(`single-row predict, ${CONNECTIONS} connections, ${ROUNDS} x ${SECONDS} s per side (autocannon in a child process; 2 cores)`);
    for (const [name, f] of [['Cairn /predict (buffered log)', c], ['Cairn /predict (durable log) ', d], ['ONNX model (buffered log)    ', o], ['with a shadow alias          ', sh], ['bare Hono                   ', b]] as const) {
      console.log(`  ${name}: server p50 ${round(f.serverP50, 3)} ms p99 ${round(f.serverP99, 3)} ms | client p50 ${f.p50} ms p99 ${f.p99} ms | ${Math.round(f.rps)} req/s | failed ${f.failed}`);
    }
    console.log(`  unloaded (1 connection, ${ROUND_TRIPS} sequential requests x 3, own client process): Cairn p50 ${round(c.unloadedP50, 3)} ms p99 ${round(c.unloadedP99, 3)} ms | bare p50 ${round(b.unloadedP50, 3)} ms p99 ${round(b.unloadedP99, 3)} ms | ratio p50 ${round(c.unloadedP50 / b.unloadedP50)}x`);
    console.log(`  under load: latency ratio (client p50) ${round(c.p50 / Math.max(b.p50, 1))}x, throughput ratio ${round(b.rps / c.rps)}x; ${logged} predictions logged to PostgreSQL`);
    console.log(`  mlflow models serve, the same scikit-learn model (its own process, one uvicorn worker): unloaded p50 ${round(m.unloadedP50, 3)} ms | client p50 ${m.p50} ms p99 ${m.p99} ms | ${Math.round(m.rps)} req/s | failed ${m.failed}; Cairn's ONNX serving of it: ${round(o.rps / m.rps, 1)}x the throughput, ${round(m.unloadedP50 / o.unloadedP50, 1)}x lower unloaded latency`);
    console.log(`  FastAPI + scikit-learn, the same model by hand (its own process, one uvicorn worker): unloaded p50 ${round(fa.unloadedP50, 3)} ms | client p50 ${fa.p50} ms p99 ${fa.p99} ms | ${Math.round(fa.rps)} req/s | failed ${fa.failed}; Cairn's ONNX serving of it: ${round(o.rps / fa.rps, 1)}x the throughput, ${round(fa.unloadedP50 / o.unloadedP50, 1)}x lower unloaded latency`);
    console.log(`  ONNX (scikit-learn HistGradientBoosting, onnxruntime) vs Cairn's JSON model: unloaded p50 ${round(o.unloadedP50, 3)} vs ${round(c.unloadedP50, 3)} ms (${round(o.unloadedP50 / c.unloadedP50)}x), throughput ${Math.round(o.rps)} vs ${Math.round(c.rps)} req/s (${round(o.rps / c.rps)}x)`);
    console.log(`  durable vs buffered prediction log: throughput ${round(d.rps / c.rps)}x, server p50 ${round(d.serverP50 / c.serverP50)}x, unloaded p50 ${round(d.unloadedP50 / c.unloadedP50)}x (${round(d.unloadedP50, 3)} vs ${round(c.unloadedP50, 3)} ms)`);
    console.log(`  a shadow alias (another version predicting each default request after its answer): server p50 ${round(sh.serverP50 / c.serverP50)}x without (${round(sh.serverP50, 3)} vs ${round(c.serverP50, 3)} ms), unloaded p50 ${round(sh.unloadedP50 / c.unloadedP50)}x, throughput ${round(sh.rps / c.rps)}x; ${shadowed} shadow predictions logged`);
    return `shadow_server_p50_ms=${round(sh.serverP50, 3)} shadow_server_ratio=${round(sh.serverP50 / c.serverP50)} shadow_unloaded_p50_ms=${round(sh.unloadedP50, 3)} shadow_rps=${Math.round(sh.rps)} shadow_failed=${sh.failed} shadowed=${shadowed} server_p50_ms=${round(c.serverP50, 3)} server_p99_ms=${round(c.serverP99, 3)} p50_ms=${c.p50} p99_ms=${c.p99} rps=${Math.round(c.rps)} bare_rps=${Math.round(b.rps)} bare_p50_ms=${b.p50} unloaded_p50_ms=${round(c.unloadedP50, 3)} bare_unloaded_p50_ms=${round(b.unloadedP50, 3)} unloaded_ratio=${round(c.unloadedP50 / b.unloadedP50)} failed=${c.failed} logged=${logged} durable_rps=${Math.round(d.rps)} durable_server_p50_ms=${round(d.serverP50, 3)} durable_unloaded_p50_ms=${round(d.unloadedP50, 3)} durable_failed=${d.failed} durable_vs_buffered_rps=${round(d.rps / c.rps)} onnx_rps=${Math.round(o.rps)} onnx_unloaded_p50_ms=${round(o.unloadedP50, 3)} onnx_server_p50_ms=${round(o.serverP50, 3)} onnx_failed=${o.failed} mlflow_rps=${Math.round(m.rps)} mlflow_unloaded_p50_ms=${round(m.unloadedP50, 3)} mlflow_failed=${m.failed} fastapi_rps=${Math.round(fa.rps)} fastapi_unloaded_p50_ms=${round(fa.unloadedP50, 3)} fastapi_failed=${fa.failed}`;
  } finally {
    await cairnServer.close();
    await bareServer.close();
    await durableServer.close();
    await onnxServer.close();
    await shadowServer.close();
    mlflow.stop();
    fastapi.stop();
    await predictionLog.close();
    await durableLog.close();
    await store.close();
    await database.drop();
  }
}
