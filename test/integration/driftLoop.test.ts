import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { monitor } from '../../activities/monitor';
import { ingest } from '../../activities/ingest';
import { readDataset } from '../../lib/dsl/readDataset';
import { toActivity } from '../../activities/stepActivity';
import { ingestFile } from '../../lib/data/ingestFile';
import type { StepInput } from '../../lib/dsl/stepIo';
import type { JsonValue } from '../../lib/dsl/spec';
import type { ArtifactRef } from '../../lib/artifacts/artifactRef';
import { registry } from '../../definitions';
import { servedDays, WEATHER_LOOP_DATA } from '../../definitions/weatherLoop';
import type { ModelDriftReport } from '../../lib/drift/modelDrift';
import type { FeedbackLineage } from '../../lib/data/feedbackSource';
import { type ArtifactStore } from '../../lib/artifacts/artifactStore';
import { defineRegistry } from '../../lib/dsl';
import type { DriftTrigger } from '../../lib/dsl/triggers';
import { aliasHistory } from '../../lib/registry/aliases';
import { resolveAlias } from '../../lib/registry/aliases';
import { CAIRN_STATUS, CAIRN_TRIGGER } from '../../lib/searchAttributes';
import { startRun } from '../../lib/runs/startRun';
import { desiredSchedules } from '../../lib/schedules/desiredSchedules';
import { syncSchedules, watchDriftInput } from '../../lib/schedules/syncSchedules';
import { PredictionLog } from '../../lib/serving/predictionLog';
import { datasetRows } from '../../lib/store/datasets';
import { type Store } from '../../lib/store/openStore';
import { createApp } from '../../server/app';
import { startApiServer } from '../../server/serve';
import { freePort } from '../../lib/freePort';
import type { RunResult } from '../../lib/runContract/types';
import type { watchDrift, WatchDriftResult } from '../../workflows/watchDrift';
import type { WatchDriftInput } from '../../lib/runContract/types';
import { runCairn } from '../helpers/cli';
import { testServices } from '../helpers/sources';
import { openTestStore, type TestStore } from '../helpers/postgres';
import { activityEnvironment, connectTestEnv, startTestWorker, type RunningWorker } from '../helpers/temporal';
import { waitFor } from '../helpers/waitFor';
import { appDeps } from '../helpers/appDeps';
import { webhookReceiver } from '../helpers/webhookReceiver';

let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let testStore: TestStore;
let store: Store;
let artifacts: ArtifactStore;
let app: ReturnType<typeof createApp>;
let predictionLog: PredictionLog;
let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
const loop = registry.pipelines.get('weather-loop')!;

beforeAll(async () => {
  env = await connectTestEnv();
  testStore = await openTestStore();
  ({ store, artifacts } = testStore);
  receiver = await webhookReceiver();
  const notifications = { targets: [{ url: receiver.url, events: ['drift.detected' as const, 'model.promoted' as const] }], secret: 'drift-loop-notification-secret-0123456789' };
  worker = await startTestWorker(env, createActivities(registry, testServices({ artifacts, store, notifications })));
  predictionLog = new PredictionLog(store.pool);
  app = createApp(appDeps({ client: env.client, registry, store, artifacts, predictionLog, taskQueue: worker.taskQueue, temporalUiUrl: null, security: { rateLimitPerMinute: 1_000_000 } }));
});
afterAll(async () => {
  receiver?.close();
  await predictionLog?.close();
  await worker?.stop();
  await testStore?.close();
  await env?.teardown();
});

const post = (path: string, body: unknown) => app.request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

function watcherInput(): WatchDriftInput {
  const desired = desiredSchedules(defineRegistry({ pipelines: [loop] }), worker.taskQueue).find((d) => d.trigger.kind === 'drift')!;
  return watchDriftInput(desired, desired.trigger as DriftTrigger);
}

const runWatcher = (id: string) => env.client.workflow.execute<typeof watchDrift>('watchDrift', { workflowId: `test-watch-${id}-${Date.now()}`, taskQueue: worker.taskQueue, args: [watcherInput()] });

describe('the closed loop: deploy, serve, watch drift, retrain, promote', () => {
  it('retrains exactly once for one drift episode and promotes the better version; a worse one is not promoted', async () => {
    // 1. Train on 2012-2013, evaluate on 2015, deploy: production = v1.
    const first = await startRun(env.client, { pipeline: loop, trigger: 'test', taskQueue: worker.taskQueue });
    const firstResult = await first.handle.result();
    expect(firstResult.outputs.ship).toMatchObject({ model: 'weather-loop', alias: 'production', version: 1, moved: true });
    expect((await resolveAlias(store.pool, 'weather-loop', 'production'))?.version).toBe(1);

    // 2. Serve the summer of 2014, one request per week, and send the true weather back as feedback.
    const days = servedDays(['06', '07', '08']);
    for (let week = 0; week < days.length; week += 7) {
      const batch = days.slice(week, week + 7);
      const response = await post('/api/v1/models/weather-loop/predict', { instances: batch.map((d) => d.instance) });
      expect(response.status).toBe(200);
      const { requestId, version } = (await response.json()) as { requestId: string; version: number };
      expect(version).toBe(1);
      const feedback = await post('/api/v1/models/weather-loop/feedback', { items: batch.map((d, item) => ({ requestId, item, label: d.label })) });
      expect(feedback.status).toBe(200);
    }
    await predictionLog.flush();

    // 3a. A production-feedback retrain needs labelled predictions: asked for more than were sent back,
    // the watcher reports the drift and says why it starts no retrain.
    const tooFew = await env.client.workflow.execute<typeof watchDrift>('watchDrift', {
      workflowId: `test-watch-few-labels-${Date.now()}`,
      taskQueue: worker.taskQueue,
      args: [{ ...watcherInput(), feedback: { windowMs: 30 * 86_400_000, minLabelled: 1_000 } }],
    });
    expect(tooFew).toMatchObject({ status: 'checked', drifted: true, retrain: null });
    expect(tooFew.retrainSkipped).toBe(`no retrain: only ${days.length} labelled predictions in the feedback window (720 h), a production-feedback retrain needs 1000`);
    expect((await store.pool.query("SELECT count(*)::int AS n FROM drift_retrains WHERE model = 'weather-loop'")).rows[0].n).toBe(0);

    // 3b. Two watchers look at the same moment (say, two deployments): both see the drift, one retrain starts.
    const [a, b] = await Promise.all([runWatcher('a'), runWatcher('b')]);
    for (const watched of [a, b]) {
      expect(watched).toMatchObject({ status: 'checked', drifted: true });
      expect(watched.driftedFeatures).toEqual(expect.arrayContaining(['temp_max', 'temp_min']));
    }
    expect([a, b].filter((w) => w.retrain?.startedHere)).toHaveLength(1);
    expect(a.retrain?.workflowId).toBe(b.retrain?.workflowId);
    const retrains = await store.pool.query("SELECT workflow_id FROM drift_retrains WHERE model = 'weather-loop'");
    expect(retrains.rows).toEqual([{ workflow_id: a.retrain?.workflowId }]);

    // 4. The retrain (trigger=drift) learns from production feedback added to v1's training data, beats v1 on 2015 and is promoted.
    const retrain = env.client.workflow.getHandle(a.retrain!.workflowId);
    const retrained = (await retrain.result()) as RunResult;
    expect((await retrain.describe()).typedSearchAttributes.get(CAIRN_TRIGGER)).toBe('drift');
    const score = retrained.outputs.score as { comparison: { version: number; candidateIsBetter: boolean } };
    expect(score.comparison).toMatchObject({ version: 1, candidateIsBetter: true });
    expect(retrained.outputs.ship).toMatchObject({ version: 2, previous: 1, moved: true });
    expect((await resolveAlias(store.pool, 'weather-loop', 'production'))?.version).toBe(2);
    // Its data: the 92 labelled days served, and v1's 731 training days less those a labelled day repeats (counted here from the CSV files).
    const data = retrained.outputs.data as { rows: number; dataset: { sha256: string }; source: { kind: string }; feedback: FeedbackLineage };
    const overlap = repeatedRows(trainingDays(), days.map((d) => ({ ...d.instance, weather: d.label })));
    expect(retrained.outputs.data).toMatchObject({ source: { kind: 'feedback', format: 'parquet' }, rows: 731 - overlap + days.length });
    expect(data.feedback).toMatchObject({ model: 'weather-loop', alias: 'production', version: 1, predictionLog: { rows: days.length }, training: { dataset: firstOutputsOf(firstResult).data.dataset.sha256, rows: 731 - overlap, repeatedByFeedback: overlap, sampledOut: 0 } });
    const labelledIds = await store.pool.query<{ id: string }>("SELECT l.id FROM prediction_log l JOIN prediction_feedback f USING (model, request_id, item) WHERE l.model = 'weather-loop' ORDER BY l.id");
    expect(JSON.parse((await artifacts.read(data.feedback.predictionLog.ids)).toString()).predictionLogIds).toEqual(labelledIds.rows.map((r) => Number(r.id)));
    const dataCard = (await (await app.request(`/api/v1/datasets/${data.dataset.sha256}/card`)).json()) as { markdown: string };
    expect(dataCard.markdown).toContain(`Assembled from ${days.length} predictions of weather-loop served between`);
    // The retrain acts with the deployment's authority (its drift trigger), and the history says so.
    expect((await aliasHistory(store.pool, 'weather-loop', 'production'))[0]?.actor).toBe(`run ${a.retrain!.workflowId} started by drift:weather-loop/production (deployment)`);

    // 5. The report is served, and its scores are in /metrics.
    const drift = (await (await app.request('/api/v1/models/weather-loop/drift?limit=3')).json()) as { reports: (ModelDriftReport & { retrain: { workflowId: string } | null })[] };
    const owner = drift.reports.find((r) => r.id === (a.retrain?.startedHere ? a.reportId : b.reportId))!;
    expect(owner.retrain).toMatchObject({ workflowId: a.retrain!.workflowId });
    expect((owner.features.find((f) => f.feature === 'temp_max')!.statistics as { psi: number }).psi).toBeGreaterThan(1);
    expect(owner.accuracy).toMatchObject({ labelled: days.length });
    const metrics = await (await app.request('/metrics')).text();
    expect(metrics).toMatch(/cairn_drift_score\{model="weather-loop",feature="temp_max",statistic="psi"\} [1-9]/);
    expect(metrics).toMatch(/cairn_drift_detected\{model="weather-loop",version="1"\} 1/);

    // 6. v1's model card tells an auditor what it was trained and evaluated on, its scores, who put it
    // in production and who replaced it, and the drift that led to that.
    type Card = { trainingData: { datasetSha256: string }; evaluationData: { kind: string; datasetSha256: string }; metrics: Record<string, unknown>; intendedUse: { primary: string | null }; promotions: { version: number; previous: number | null; actor: string }[]; drift: { id: number; drifted: boolean }[] };
    const { card } = (await (await app.request('/api/v1/models/weather-loop/versions/1/card')).json()) as { card: Card };
    const firstOutputs = firstResult.outputs as Record<string, { dataset: { sha256: string }; metrics: Record<string, unknown>; evaluatedOn: { dataset: { sha256: string } } }>;
    expect(card.trainingData.datasetSha256).toBe(firstOutputs.data!.dataset.sha256);
    expect(card.evaluationData).toMatchObject({ kind: 'evaluation-dataset', datasetSha256: firstOutputs.score!.evaluatedOn.dataset.sha256 });
    expect(card.metrics.accuracy).toBe(firstOutputs.score!.metrics.accuracy);
    expect(card.intendedUse.primary).toMatch(/weather/);
    expect(card.promotions.map((p) => [p.previous, p.version])).toEqual([[null, 1], [1, 2]]);
    expect(card.promotions[0]!.actor).toMatch(new RegExp(`^run ${first.runId} started by `));
    expect(card.promotions[1]!.actor).toMatch(new RegExp(`^run ${a.retrain!.workflowId} started by drift:`));
    expect(card.drift.find((r) => r.id === owner.id)).toMatchObject({ drifted: true });

    // 7. The people listening were told: each drifted report once, and each promotion by a deploy step once.
    const drifted = drift.reports.filter((r) => r.drifted).map((r) => r.id).sort();
    await waitFor(() => receiver.events().filter((e) => e.kind === 'drift.detected').length >= drifted.length && receiver.events().filter((e) => e.kind === 'model.promoted').length >= 2, 'the drift and promotion notifications');
    expect(receiver.events().filter((e) => e.kind === 'drift.detected').map((e) => e.details.reportId).sort()).toEqual(drifted);
    const promotions = receiver.events().filter((e) => e.kind === 'model.promoted');
    expect(promotions.map((e) => [e.runId, e.details.version])).toEqual(expect.arrayContaining([[first.runId, 1], [a.retrain!.workflowId, 2]]));
    expect(promotions).toHaveLength(2);

    // The operator's view of the same: `cairn drift-report`, and a canary with `cairn deploy`.
    const server = await startApiServer(app, '127.0.0.1', await freePort());
    try {
      const report = await runCairn(server.url, ['drift-report', 'weather-loop', '--limit', '3']);
      expect(report.code).toBe(0);
      expect(report.stdout).toMatch(/^ {2}temp_max\s+numeric\s+\d+\.\d+ .*DRIFT {2}psi/m);
      expect(report.stdout).toContain(`retrain ${a.retrain!.workflowId}`);
      expect(report.stdout).toContain(tooFew.retrainSkipped);
      const canary = await runCairn(server.url, ['deploy', 'weather-loop', 'v1', '--alias', 'canary', '--weight', '0.2', '--reason', 'compare']);
      expect(canary.stdout).toBe('weather-loop canary: (none) -> v1 at weight 0.2\n');
      expect((await runCairn(server.url, ['deploy', 'weather-loop', '1', '--weight', '2'])).stderr).toMatch(/--weight 2: expected a share between 0 and 1/);
      expect((await runCairn(server.url, ['deploy', 'weather-loop', '7'])).stderr).toMatch(/model 'weather-loop' has no version 7/);
    } finally {
      await server.close();
    }

    // 6. v2 has served nothing yet: the next look gives no verdict and starts nothing.
    const after = await runWatcher('c');
    expect(after).toMatchObject({ status: 'insufficient-data', drifted: false, retrain: null });
    // With no verdict the reference's size comes from the datasets table: a number, as in a checked report.
    const [noVerdict] = ((await (await app.request('/api/v1/models/weather-loop/drift')).json()) as { reports: ModelDriftReport[] }).reports;
    const summerFeedback = servedDays(['06', '07', '08']).map((d) => ({ ...d.instance, weather: d.label }));
    expect(noVerdict).toMatchObject({ status: 'insufficient-data', reference: { rows: 731 - repeatedRows(trainingDays(), summerFeedback) + summerFeedback.length } });

    // 7. A candidate that does not beat production (2012-2013 again) fails its gate and is not deployed.
    const worse = await startRun(env.client, { pipeline: loop, trigger: 'test', key: 'worse', taskQueue: worker.taskQueue });
    await waitFor(async () => (await worse.handle.describe()).typedSearchAttributes.get(CAIRN_STATUS) === 'awaiting_operator', 'the worse candidate to fail its gate', 60_000);
    const state = await app.request(`/api/v1/runs/${encodeURIComponent(worse.runId)}`);
    const view = (await state.json()) as { steps: { name: string; status: string; error: { message: string } | null }[] };
    expect(view.steps.find((s) => s.name === 'score')).toMatchObject({ status: 'awaiting_operator' });
    expect(view.steps.find((s) => s.name === 'score')?.error?.message).toMatch(/does not beat production v2/);
    expect(view.steps.find((s) => s.name === 'ship')?.status).toBe('pending');
    expect((await resolveAlias(store.pool, 'weather-loop', 'production'))?.version).toBe(2);
    await worse.handle.terminate('test done');
  }, 180_000);

  it('assembles a production-feedback dataset: feedback only, added to the training data once, capped with a seeded sample, refused with too few labels', async () => {
    // Production is v2 now, trained on v1's days plus the 92 labelled summer days, so every labelled day repeats one of its training rows.
    type Ingested = { rows: number; dataset: ArtifactRef; feedback: FeedbackLineage };
    const step = toActivity(ingest, testServices({ artifacts, store })) as unknown as (input: StepInput) => Promise<Ingested>;
    const ingestFrom = (source: string) =>
      activityEnvironment().run(step, {
        run: { runId: 'cairn:weather-loop:test:feedback', temporalRunId: 'r', pipeline: 'weather-loop', specHash: 'h', trigger: 'test', params: {}, logicalDate: '2026-12-06T00:00:00Z', step: 'data' },
        config: { source },
        upstream: {},
      }) as Promise<Ingested>;
    const served = servedDays(['06', '07', '08']).map((d) => ({ ...d.instance, weather: d.label }));
    const key = (row: Record<string, unknown>) => JSON.stringify(['precipitation', 'temp_max', 'temp_min', 'wind', 'weather'].map((name) => row[name]));
    const v2Rows = 731 - repeatedRows(trainingDays(), served) + served.length;

    const only = await ingestFrom('feedback:weather-loop?training=exclude');
    expect(only).toMatchObject({ rows: served.length, feedback: { version: 2, training: null, predictionLog: { rows: served.length } } });
    expect((await readDataset(artifacts, only.dataset)).map(key).sort()).toEqual(served.map(key).sort());

    const whole = await ingestFrom('feedback:weather-loop');
    expect(whole).toMatchObject({ rows: v2Rows, feedback: { training: { rows: v2Rows - served.length, repeatedByFeedback: served.length, sampledOut: 0 } } });

    const capped = await ingestFrom('feedback:weather-loop?maxRows=100');
    expect(capped).toMatchObject({ rows: 100, feedback: { maxRows: 100, training: { rows: 100 - served.length, sampledOut: v2Rows - 100 } } });
    const cappedRows = await readDataset(artifacts, capped.dataset);
    expect(cappedRows.slice(-served.length).map(key).sort()).toEqual(served.map(key).sort());
    expect((await ingestFrom('feedback:weather-loop?maxRows=100')).dataset.sha256).toBe(capped.dataset.sha256);
    expect((await ingestFrom('feedback:weather-loop?maxRows=100&seed=7')).dataset.sha256).not.toBe(capped.dataset.sha256);

    await expect(ingestFrom('feedback:weather-loop?minLabelled=500')).rejects.toThrow(`only ${served.length} of weather-loop's predictions served in the last 30d have a feedback label; feedback:weather-loop?minLabelled=500 needs at least 500 (option minLabelled)`);
    await expect(ingestFrom('feedback:weather-loop?window=1s')).rejects.toThrow(/only 0 of weather-loop's predictions served in the last 1s/);
    await expect(ingestFrom('feedback:never-deployed')).rejects.toThrow("feedback:never-deployed: alias 'production' of model 'never-deployed' points at no version");
    await expect(ingestFrom('feedback:weather-loop?window=soon')).rejects.toThrow("config.source: 'feedback:weather-loop?window=soon': window: expected a duration of at least 1s, such as '30d'");
  }, 60_000);

  it('monitors a newly ingested batch against production with the monitor stage, accuracy from its target column', async () => {
    type Monitored = { reportId: number; status: string; drifted: boolean; driftedFeatures: string[]; rows: number; accuracy: number | null };
    const step = toActivity(monitor, testServices({ artifacts, store })) as unknown as (input: StepInput) => Promise<Monitored>;
    const monitorStep = (stepInput: StepInput) => activityEnvironment().run(step, stepInput) as Promise<Monitored>;
    const batch = async (name: string, months: RegExp) => {
      const [header, ...lines] = readFileSync(WEATHER_LOOP_DATA.served, 'utf8').trim().split('\n');
      const path = join(testStore.dir, name);
      writeFileSync(path, [header, ...lines.filter((line) => months.test(line.slice(5, 7)))].join('\n'));
      return (await ingestFile(path, 'csv', artifacts, testStore.dir)).dataset;
    };
    const input = (dataset: ArtifactRef, config: Record<string, unknown> = {}): StepInput => ({
      run: { runId: 'cairn:weather-loop:test:monitor', temporalRunId: 'r', pipeline: 'weather-loop', specHash: 'h', trigger: 'test', params: {}, logicalDate: '2026-11-27T00:00:00Z', step: 'watch' },
      config: { model: 'weather-loop', thresholds: { psi: 0.25 }, minRows: 50, ...config },
      upstream: { data: { dataset: dataset as unknown as JsonValue } },
    });
    const summerBatch = await batch('summer.csv', /0[678]/);
    expect(await datasetRows(store.pool, summerBatch.sha256)).toBeUndefined();
    const summer = await monitorStep(input(summerBatch));
    expect(summer).toMatchObject({ drifted: true, rows: 92 });
    // A batch no ingest stage recorded (a step wrote it) has a card once monitored, naming the step that handed it on.
    expect(await datasetRows(store.pool, summerBatch.sha256)).toBe(92);
    const card = ((await (await app.request(`/api/v1/datasets/${summerBatch.sha256}/card`)).json()) as { card: { source: unknown; producedBy: unknown[] } }).card;
    expect(card.source).toEqual({ kind: 'step', format: 'parquet', location: 'weather-loop/data' });
    expect(card.producedBy).toEqual([expect.objectContaining({ runId: 'cairn:weather-loop:test:monitor', step: 'data' })]);
    expect(summer.driftedFeatures).toEqual(expect.arrayContaining(['temp_max', 'temp_min']));
    expect(summer.accuracy).toBeGreaterThan(0.5);
    const [stored] = ((await (await app.request('/api/v1/models/weather-loop/drift')).json()) as { reports: ModelDriftReport[] }).reports;
    expect(stored).toMatchObject({ id: summer.reportId, window: null, current: { rows: 92, labelled: 92 } });
    const year = await monitorStep(input(await batch('year.csv', /\d\d/)));
    expect(year).toMatchObject({ drifted: false, rows: 365 });
    const failing = await monitorStep(input(await batch('summer-again.csv', /0[678]/), { failOnDrift: true })).catch((e: unknown) => e as Error);
    expect(String(failing)).toMatch(/drift against weather-loop v2: .*temp_max.*\[drift report \d+\]/);
  }, 60_000);

  it('keeps the drift watcher as a Temporal Schedule that runs watchDrift', async () => {
    const only = defineRegistry({ pipelines: [loop] });
    const synced = await syncSchedules(env.client, only, worker.taskQueue);
    expect(synced.created).toEqual(['cairn:weather-loop:drift']);
    const handle = env.client.schedule.getHandle('cairn:weather-loop:drift');
    const described = await handle.describe();
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'watchDrift' });
    expect(described.spec.intervals?.[0]?.every).toBe(3_600_000);
    await handle.trigger();
    await waitFor(async () => (await handle.describe()).info.recentActions.length > 0, 'the schedule to start the watcher', 30_000);
    const started = (await handle.describe()).info.recentActions[0]!.action.workflow;
    const result = (await env.client.workflow.getHandle(started.workflowId, started.firstExecutionRunId).result()) as WatchDriftResult;
    expect(result.status).toMatch(/checked|insufficient-data/);
    await handle.delete();
    // A watcher whose model is not deployed yet (the schedule exists from the first sync) has nothing to say, and does not fail.
    const undeployed = await env.client.workflow.execute<typeof watchDrift>('watchDrift', { workflowId: `test-watch-none-${Date.now()}`, taskQueue: worker.taskQueue, args: [{ ...watcherInput(), model: 'not-deployed-yet' }] });
    expect(undeployed).toEqual({ reportId: null, status: 'not-deployed', drifted: false, driftedFeatures: [], retrain: null });
  }, 60_000);
});

/** v1's training days (2012-2013) as the model sees them: its four features and the weather. */
function trainingDays(): Record<string, number | string>[] {
  const [, ...lines] = readFileSync(WEATHER_LOOP_DATA.initial, 'utf8').trim().split('\n');
  return lines.map((line) => line.split(',')).map(([, precipitation, tempMax, tempMin, wind, weather]) => ({ precipitation: Number(precipitation), temp_max: Number(tempMax), temp_min: Number(tempMin), wind: Number(wind), weather: weather as string }));
}

/** How many rows of `base` are repeated by `feedback` (each copy in feedback covers one copy in base). */
function repeatedRows(base: Record<string, number | string>[], feedback: Record<string, number | string>[]): number {
  const key = (row: Record<string, number | string>) => JSON.stringify(['precipitation', 'temp_max', 'temp_min', 'wind', 'weather'].map((name) => row[name]));
  const copies = new Map<string, number>();
  for (const row of feedback) copies.set(key(row), (copies.get(key(row)) ?? 0) + 1);
  let repeated = 0;
  for (const row of base) {
    const left = copies.get(key(row)) ?? 0;
    if (left > 0) {
      repeated += 1;
      copies.set(key(row), left - 1);
    }
  }
  return repeated;
}

const firstOutputsOf = (result: RunResult) => result.outputs as Record<string, { dataset: { sha256: string } }> & { data: { dataset: { sha256: string } } };
