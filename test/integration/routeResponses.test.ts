import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EXAMPLE_DATASETS } from '../../definitions/exampleData';
import { parseEnvApiKeys } from '../../lib/auth/apiKeys';
import { ingestFile } from '../../lib/data/ingestFile';
import { checkModelDrift } from '../../lib/drift/modelDrift';
import { cron, definePipeline, defineRegistry, onEvent } from '../../lib/dsl';
import { PredictionLog } from '../../lib/serving/predictionLog';
import { recordAnalysisStart, recordDecision } from '../../lib/store/canaryTables';
import { insertShadowPredictions } from '../../lib/store/shadowPredictionsTable';
import { CanaryPolicySchema } from '../../lib/canary/canaryPolicy';
import { recordDataset } from '../../lib/store/datasets';
import { recordRunArtifact } from '../../lib/store/runArtifacts';
import { recordStepCacheEntry } from '../../lib/store/stepCacheTable';
import { recordExperiment } from '../../lib/store/experimentsTable';
import { appendStepLogs } from '../../lib/store/stepLogsTable';
import { apiRoutes, createApp } from '../../server/app';
import { KeyRing } from '../../server/security/keyRing';
import { routeKey } from '../../server/verifyResponses';
import { GENTOO, registerPenguins } from '../helpers/penguinsModel';
import { openTestStore, type TestStore } from '../helpers/postgres';
import { recordingSteps } from '../helpers/recordingSteps';
import { connectTestEnv, startTestWorker, type RunningWorker } from '../helpers/temporal';
import { waitFor } from '../helpers/waitFor';
import { appDeps } from '../helpers/appDeps';

/**
 * Every route's success case, through the app with response checking on: each answer must match the
 * schema its route declares (and so the OpenAPI document and the typed client), else it becomes a
 * 500 naming the difference. At the end every route must have been checked at least once.
 */
let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let testStore: TestStore;
let predictionLog: PredictionLog;
let app: ReturnType<typeof createApp>;
const verified = new Set<string>();
const steps = recordingSteps();
const suffix = randomUUID().slice(0, 6);
const ids = { work: `rr-work-${suffix}`, gate: `rr-gate-${suffix}`, slow: `rr-slow-${suffix}`, cron: `rr-cron-${suffix}`, event: `rr-event-${suffix}` };
const ADMIN_KEY = `admin-${randomUUID()}`;

const registry = defineRegistry({
  pipelines: [
    definePipeline({ id: ids.work, params: z.object({}), steps: { only: { activity: steps.work, config: { ms: 0 }, retry: { attempts: 1 } } } }),
    definePipeline({ id: ids.gate, params: z.object({}), steps: { ship: { activity: steps.work, config: { ms: 0 }, approval: true } } }),
    definePipeline({ id: ids.slow, params: z.object({}), steps: { slow: { activity: steps.work, config: { ms: 60_000 }, heartbeat: '2s' } } }),
    definePipeline({ id: ids.cron, params: z.object({}), steps: { only: { activity: steps.work, config: { ms: 0 } } }, triggers: [cron('0 3 * * *', { name: 'nightly' })] }),
    definePipeline({ id: ids.event, params: z.object({}), steps: { only: { activity: steps.work, config: { ms: 0 } } }, triggers: [onEvent(`landed-${suffix}`)] }),
  ],
});

beforeAll(async () => {
  env = await connectTestEnv();
  worker = await startTestWorker(env, steps.activities);
  testStore = await openTestStore();
  predictionLog = new PredictionLog(testStore.store.pool);
  const deps = appDeps({
    client: env.client,
    registry,
    store: testStore.store,
    artifacts: testStore.artifacts,
    predictionLog,
    taskQueue: worker.taskQueue,
    temporalUiUrl: 'http://127.0.0.1:8233',
    security: { envApiKeys: parseEnvApiKeys(`admin:${ADMIN_KEY}`), rateLimitPerMinute: 1_000_000 },
  });
  app = createApp(deps, { verifyResponses: verified });
});
afterAll(async () => {
  await predictionLog?.close();
  await worker?.stop();
  await testStore?.close();
  await env?.teardown();
});

async function call(method: string, path: string, body?: unknown) {
  const response = await app.request(path, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  // A mismatch with the declared response is a 500 whose details name each difference: shown as the failure.
  expect(response.ok, `${method} ${path} answered ${response.status}: ${text}`).toBe(true);
  return response.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : text;
}
const runUrl = (runId: string) => `/api/v1/runs/${encodeURIComponent(runId)}`;
const start = async (pipeline: string) => (await call('POST', `/api/v1/pipelines/${pipeline}/runs`, {})).runId as string;
const stepStatus = async (runId: string, wanted: string) =>
  waitFor(async () => ((await call('GET', runUrl(runId))).steps as { status: string }[] | null)?.[0]?.status === wanted, `the step to be ${wanted}`);

describe('every route answers what it declares', () => {
  it('runs: start, inspect, list, artifacts, re-run, and every operator action', async () => {
    await call('GET', '/healthz');
    await call('GET', '/readyz');
    await call('GET', '/metrics');
    await call('GET', '/api/v1/openapi.json');
    await call('GET', '/api/v1/pipelines');
    await call('GET', `/api/v1/pipelines/${ids.work}`);

    const done = await start(ids.work);
    await env.client.workflow.getHandle(done).result();
    await call('GET', runUrl(done));
    const timeline = await call('GET', `${runUrl(done)}/timeline`);
    expect(timeline.graph).toEqual([{ step: 'only', after: [] }]);
    expect(timeline.attempts.map((a: { step: string; outcome: string }) => `${a.step} ${a.outcome}`)).toEqual(['only succeeded']);
    await waitFor(async () => (await call('GET', `/api/v1/runs?pipeline=${ids.work}`)).runs.length > 0, 'the run to be listed');
    const ref = { uri: `cas://sha256/${'d'.repeat(64)}`, sha256: 'd'.repeat(64), size: 3, mediaType: 'text/plain' };
    await recordRunArtifact(testStore.store.pool, { runId: done, step: 'only', name: 'notes', ref });
    expect((await call('GET', `${runUrl(done)}/artifacts`)).artifacts).toHaveLength(1);
    await appendStepLogs(testStore.store.pool, { runId: done, step: 'only', maxLines: 100, lines: [{ attempt: 1, at: new Date().toISOString(), level: 'info', message: 'hello', fields: { n: 1 } }] });
    expect((await call('GET', `${runUrl(done)}/logs`)).lines).toHaveLength(1);
    expect((await call('GET', `${runUrl(done)}/notifications`)).deliveries).toEqual([]);
    expect((await call('GET', `${runUrl(done)}/steps/only/logs?after=0&limit=10`)).lines).toHaveLength(1);
    const rerun = (await call('POST', `${runUrl(done)}/rerun`, { fromStep: 'only' })).runId as string;
    await env.client.workflow.getHandle(rerun).result(); // before the next runs make the step fail

    for (const action of ['retry', 'skip'] as const) {
      steps.failuresLeft.set('only', 1);
      const waiting = await start(ids.work);
      await stepStatus(waiting, 'awaiting_operator');
      await call('POST', `${runUrl(waiting)}/steps/only/${action}`, { reason: 'checked' });
      await env.client.workflow.getHandle(waiting).result(); // before the next run makes the step fail
    }
    for (const action of ['approve', 'reject'] as const) {
      const gated = await start(ids.gate);
      await stepStatus(gated, 'awaiting_approval');
      await call('POST', `${runUrl(gated)}/steps/ship/${action}`, { reason: 'checked' });
    }
    const aborted = await start(ids.slow);
    await stepStatus(aborted, 'running');
    await call('POST', `${runUrl(aborted)}/abort`, { reason: 'checked' });
    const cancelled = await start(ids.slow);
    await call('POST', `${runUrl(cancelled)}/cancel`);
  });

  it('schedules and events', async () => {
    const scheduleId = (await call('POST', '/api/v1/schedules/sync')).created[0] as string;
    try {
      await call('GET', '/api/v1/schedules');
      await call('GET', `/api/v1/schedules/next/${ids.cron}?count=2`);
      const url = `/api/v1/schedules/${encodeURIComponent(scheduleId)}`;
      await call('POST', `${url}/pause`, { reason: 'checked' });
      await call('POST', `${url}/unpause`, {});
      await call('POST', `${url}/trigger`);
      await call('POST', `${url}/backfill`, { start: '2026-01-01T00:00:00Z', end: '2026-01-02T00:00:00Z' });
    } finally {
      await env.client.schedule.getHandle(scheduleId).delete();
    }
    await call('POST', `/api/v1/events/landed-${suffix}`, { id: 'delivery-1', payload: {} });
  });

  it('models: registry, aliases, serving, feedback, drift, datasets', async () => {
    const { pool } = testStore.store;
    const artifacts = testStore.artifacts;
    const first = await registerPenguins(pool, artifacts, 1e-3, 'run-1');
    const second = await registerPenguins(pool, artifacts, 1, 'run-2');
    await call('GET', '/api/v1/models');
    await call('GET', '/api/v1/models/penguins/versions');
    await call('GET', `/api/v1/models/penguins/versions/${first.version}`);
    // Registered without a register step: the current card is built from the registry alone.
    expect((await call('GET', `/api/v1/models/penguins/versions/${first.version}/card`)).card.registered).toBeNull();
    await call('PUT', '/api/v1/models/penguins/aliases/production', { version: first.version });
    await call('PUT', '/api/v1/models/penguins/aliases/production', { version: second.version, reason: 'newer' });
    await call('GET', '/api/v1/models/penguins/aliases/production/history');
    await call('POST', '/api/v1/models/penguins/aliases/production/rollback', { reason: 'checked' });

    const single = await call('POST', '/api/v1/models/penguins/predict', { instance: GENTOO });
    await call('POST', '/api/v1/models/penguins/predict', { instances: [GENTOO, GENTOO] });
    await call('POST', '/api/v1/models/penguins/feedback', { requestId: single.requestId, label: 'Gentoo' });
    type Bucket = { predictions: number; labelled: number; meanAbsoluteError: number | null };
    const traffic = async () => ((await call('GET', '/api/v1/models/penguins/traffic?days=1&bucket=hour')).buckets as Bucket[]).reduce((sum, b) => ({ predictions: sum.predictions + b.predictions, labelled: sum.labelled + b.labelled }), { predictions: 0, labelled: 0 });
    await waitFor(async () => (await traffic()).predictions === 3, 'the predictions to be logged');
    expect(await traffic()).toEqual({ predictions: 3, labelled: 1 });

    const { dataset, profile } = await ingestFile(EXAMPLE_DATASETS.penguins.path, 'json', artifacts, mkdtempSync(join(tmpdir(), 'cairn-rr-')));
    await recordDataset(pool, dataset, profile);
    await call('GET', `/api/v1/datasets/${dataset.sha256}/profile`);
    expect((await call('GET', `/api/v1/datasets/${dataset.sha256}/card`)).card.profile.rows).toBe(profile.rows);
    const report = await checkModelDrift(pool, artifacts, { model: 'penguins', alias: 'production', current: { kind: 'dataset', sha256: dataset.sha256 }, minRows: 1, thresholds: {} });
    expect(report?.status).toBe('checked');
    expect((await call('GET', '/api/v1/models/penguins/drift')).reports).toHaveLength(1);
    // A canary analysis and a shadow, recorded as their workflow and the serving path record them.
    await recordAnalysisStart(pool, { id: 'canary:penguins:v2:rr', model: 'penguins', candidate: second.version, baseline: first.version, policy: CanaryPolicySchema.parse({}) });
    await recordDecision(pool, { analysisId: 'canary:penguins:v2:rr', key: 'stage-0', stage: 0, weight: 0.1, decision: 'start', reason: 'route check' });
    expect((await call('GET', '/api/v1/models/penguins/canary')).analyses[0].decisions).toHaveLength(1);
    await insertShadowPredictions(pool, [{ model: 'penguins', version: first.version, requestId: single.requestId, item: 0, prediction: 'Gentoo', latencyMs: 0.2, predictedAt: new Date() }]);
    expect((await call('GET', '/api/v1/models/penguins/shadow')).shadows).toHaveLength(1);
  });

  it('the step cache', async () => {
    await recordStepCacheEntry(testStore.store.pool, { key: 'e'.repeat(64), activity: 'noop', pipeline: ids.work, runId: 'run-x', step: 'only', output: { upstream: [] } });
    expect((await call('GET', `/api/v1/cache?pipeline=${ids.work}&limit=5`)).entries).toHaveLength(1);
    expect(await call('DELETE', `/api/v1/cache?olderThan=1ms&pipeline=${ids.work}`)).toMatchObject({ evicted: 1 });
  });

  it('experiments', async () => {
    const { pool } = testStore.store;
    const trial = (runId: string, accuracy: number) => ({ runId, step: 'train', attempt: 1, pipeline: ids.work, specHash: 's', activity: 'train', algorithm: 'logistic-regression', params: { l2: accuracy }, metrics: { accuracy }, datasetSha256: null, codeVersion: 'c', durationMs: 10 });
    await recordExperiment(pool, trial('rr-1', 0.7));
    await recordExperiment(pool, trial('rr-2', 0.9));
    const found = (await call('GET', `/api/v1/experiments?pipeline=${ids.work}&where=${encodeURIComponent('accuracy>0.5')}&sort=accuracy&order=desc&limit=10`)).experiments as { id: number }[];
    expect(found).toHaveLength(2);
    await call('GET', `/api/v1/experiments/${found[0]!.id}`);
    await call('GET', `/api/v1/experiments/${found[0]!.id}/compare/${found[1]!.id}`);
  });

  it('keys', async () => {
    const created = await call('POST', '/api/v1/keys', { role: 'viewer', name: 'route check' });
    await call('GET', '/api/v1/keys');
    await call('DELETE', `/api/v1/keys/${created.id}`);
  });

  it('checked every route the API serves', () => {
    const routes = apiRoutes(appDeps({ client: env.client, registry, taskQueue: worker.taskQueue }), new KeyRing([], undefined)).map(routeKey);
    expect(routes.length).toBeGreaterThan(30);
    expect([...verified].sort()).toEqual([...new Set(routes)].sort());
  });
});
