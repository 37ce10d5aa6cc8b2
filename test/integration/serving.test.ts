import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploy } from '../../activities/deploy';
import { toActivity } from '../../activities/stepActivity';
import { type ArtifactStore } from '../../lib/artifacts/artifactStore';
import { defineRegistry } from '../../lib/dsl';
import type { StepInput } from '../../lib/dsl/stepIo';
import { aliasHistory, moveAlias } from '../../lib/registry/aliases';
import { AliasNotifications } from '../../lib/serving/aliasNotifications';
import { PredictionLog } from '../../lib/serving/predictionLog';
import { type Store } from '../../lib/store/openStore';
import { createApp } from '../../server/app';
import { GENTOO, registerPenguins as registerPenguinsVersion } from '../helpers/penguinsModel';
import { testServices } from '../helpers/sources';
import { openTestStore, type TestStore } from '../helpers/postgres';
import { activityEnvironment, connectTestEnv } from '../helpers/temporal';
import { appDeps } from '../helpers/appDeps';

let env: TestWorkflowEnvironment;
let testStore: TestStore;
let store: Store;
let artifacts: ArtifactStore;
let app: ReturnType<typeof createApp>;
let predictionLog: PredictionLog;

const registerPenguins = (l2: number, runId: string) => registerPenguinsVersion(store.pool, artifacts, l2, runId);

beforeAll(async () => {
  env = await connectTestEnv();
  testStore = await openTestStore();
  store = testStore.store;
  artifacts = testStore.artifacts;
  await registerPenguins(1e-3, 'run-1');
  await registerPenguins(1, 'run-2');
  predictionLog = new PredictionLog(store.pool);
  app = createApp(appDeps({ client: env.client, registry: defineRegistry({ pipelines: [] }), store, artifacts, predictionLog, taskQueue: 'serve', temporalUiUrl: null, security: { rateLimitPerMinute: 1_000_000 } }));
});
afterAll(async () => {
  await predictionLog?.close();
  await testStore?.close();
  await env?.teardown();
});

const gentoo = GENTOO;
/**
 * One prediction through the app in this process. It first lets the event loop turn, as a request
 * arriving on a socket would: serving answers from memory without I/O, so a tight loop of in-process
 * requests would otherwise starve the store's sockets and timers.
 */
const predictRequest = async (body: unknown, query = '') => {
  await new Promise((resolve) => setImmediate(resolve));
  return app.request(`/api/v1/models/penguins/predict${query}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
};
const deployInput = (version: number): StepInput => ({
  run: { runId: `cairn:p:test:${version}`, temporalRunId: 'r', pipeline: 'penguins', specHash: 'h', trigger: 'test', params: {}, logicalDate: '2026-11-27T00:00:00Z', step: 'ship', startedBy: { principal: 'key:test', role: 'admin' } },
  config: {},
  upstream: { entry: { model: 'penguins', version } },
});

describe('deploy and rollback', () => {
  it('moves production with a recorded history, and rolls it back in one call', async () => {
    const activity = toActivity(deploy, testServices({ artifacts, store })) as unknown as (i: StepInput) => Promise<{ version: number; previous: number | null; moved: boolean }>;
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
    expect(history[2]?.actor).toBe('run cairn:p:test:1 started by key:test (admin)');
    expect(history.map((h) => h.rollback)).toEqual([true, false, false]);
  });

  // Promised (README, runbook): a rollback walks the alias history back one deploy at a time. A
  // second rollback once returned to the version the first had rolled back from.
  it('rolls back one deploy at a time, never to a version a rollback left, and serializes rollbacks raced at once', async () => {
    await registerPenguins(0.1, 'run-3');
    const rollback = (alias: string) => app.request(`/api/v1/models/penguins/aliases/${alias}/rollback`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    const put = (alias: string, version: number) => app.request(`/api/v1/models/penguins/aliases/${alias}`, { method: 'PUT', body: JSON.stringify({ version }), headers: { 'content-type': 'application/json' } });
    const servedBy = async (alias: string) => ((await (await predictRequest({ instance: gentoo }, `?alias=${alias}`)).json()) as { version: number }).version;
    for (const version of [1, 2, 3]) expect((await put('staging', version)).status).toBe(200);

    expect(await (await rollback('staging')).json()).toMatchObject({ version: 2, previous: 3, rollback: true, reason: 'rollback from version 3' });
    expect(await (await rollback('staging')).json()).toMatchObject({ version: 1, previous: 2, rollback: true });
    expect(await servedBy('staging')).toBe(1);
    const exhausted = await rollback('staging');
    expect(exhausted.status).toBe(422);
    expect(JSON.stringify(await exhausted.json())).toContain("alias 'staging' of model 'penguins' is at version 1, the first version it served: nothing to roll back to");
    expect(await servedBy('staging')).toBe(1);
    // A new deploy after rollbacks: rolling it back returns to what was served before it.
    expect((await put('staging', 3)).status).toBe(200);
    expect(await (await rollback('staging')).json()).toMatchObject({ version: 1, previous: 3 });

    // Two operators roll back at the same moment, on separate connections: one goes 3 -> 2, the other 2 -> 1.
    for (const version of [1, 2, 3]) expect((await put('raced', version)).status).toBe(200);
    const raced = await Promise.all([rollback('raced'), rollback('raced')]);
    expect(raced.map((r) => r.status)).toEqual([200, 200]);
    const moves = (await Promise.all(raced.map((r) => r.json() as Promise<{ version: number; previous: number }>))).map((m) => [m.previous, m.version]);
    expect(moves.sort()).toEqual([
      [2, 1],
      [3, 2],
    ]);
    expect(await servedBy('raced')).toBe(1);
  });

  // Only the canary alias takes a share of the default traffic: a weight on another alias was stored and never served.
  it('refuses a traffic weight on an alias other than canary', async () => {
    const weighted = (alias: string, weight: number | null) => app.request(`/api/v1/models/penguins/aliases/${alias}`, { method: 'PUT', body: JSON.stringify({ version: 2, weight }), headers: { 'content-type': 'application/json' } });
    for (const alias of ['production', 'candidate']) {
      const refused = await weighted(alias, 0.5);
      expect(refused.status).toBe(422);
      expect(JSON.stringify(await refused.json())).toContain(`a traffic weight applies only to the 'canary' alias, which takes that share of the requests naming no alias; '${alias}' is served only to requests that name it`);
    }
    expect((await aliasHistory(store.pool, 'penguins', 'candidate')).length).toBe(0);
    // No weight (null) is what every alias but the canary has; the canary's own weight is the canary test's.
    expect((await weighted('candidate', null)).status).toBe(200);
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

const json = (method: string, path: string, body: unknown) => app.request(path, { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

describe('alias moves by LISTEN/NOTIFY', () => {
  it('reaches a server within milliseconds of the commit, well before the 2 s re-read', async () => {
    const notifications = AliasNotifications.forPool(store.pool);
    await notifications.start();
    const listening = createApp(appDeps({ client: env.client, registry: defineRegistry({ pipelines: [] }), store, artifacts, predictionLog, aliasNotifications: notifications, taskQueue: 'serve', temporalUiUrl: null, security: { rateLimitPerMinute: 1_000_000 } }));
    const served = async () => ((await (await listening.request('/api/v1/models/penguins/predict', { method: 'POST', body: JSON.stringify({ instance: gentoo }), headers: { 'content-type': 'application/json' } })).json()) as { version: number }).version;
    try {
      const before = await served();
      const target = before === 1 ? 2 : 1;
      await moveAlias(store.pool, { model: 'penguins', alias: 'production', version: target, actor: 'test', reason: 'notify' });
      const moved = Date.now();
      while ((await served()) !== target) {
        expect(Date.now() - moved).toBeLessThan(1_000);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(Date.now() - moved).toBeLessThan(1_000);
    } finally {
      await notifications.stop();
    }
  });
});

describe('canary traffic split', () => {
  it('sends the canary its weight of the default traffic by a stable hash of the routing key, never an explicit alias or version', async () => {
    expect((await json('PUT', '/api/v1/models/penguins/aliases/production', { version: 1, reason: 'baseline' })).status).toBe(200);
    const put = await json('PUT', '/api/v1/models/penguins/aliases/canary', { version: 2, weight: 0.25, reason: 'try v2 on a quarter' });
    expect(await put.json()).toMatchObject({ moved: true, weight: 0.25 });
    await new Promise((resolve) => setTimeout(resolve, 2_100)); // alias moves reach a server within its 2 s alias TTL
    const served: Record<string, number> = {};
    const byKey = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const body = (await (await predictRequest({ instance: gentoo, routingKey: `user-${i}` })).json()) as { version: number; alias: string };
      served[body.alias] = (served[body.alias] ?? 0) + 1;
      byKey.set(`user-${i}`, body.version);
    }
    // 400 keys at p = 0.25: mean 100, sd 8.7; 60..140 is more than four sd.
    expect(served.canary).toBeGreaterThan(60);
    expect(served.canary).toBeLessThan(140);
    for (const key of ['user-1', 'user-2', 'user-3']) {
      const again = (await (await predictRequest({ instance: gentoo, routingKey: key })).json()) as { version: number };
      expect(again.version).toBe(byKey.get(key));
    }
    expect(((await (await predictRequest({ instance: gentoo, routingKey: 'x' }, '?alias=production')).json()) as { alias: string }).alias).toBe('production');
    expect(((await (await predictRequest({ instance: gentoo }, '?version=1')).json()) as { alias: null }).alias).toBeNull();
    const off = await json('PUT', '/api/v1/models/penguins/aliases/canary', { version: 2, weight: 0, reason: 'stop the canary' });
    expect(await off.json()).toMatchObject({ moved: true, weight: 0 });
    const history = await aliasHistory(store.pool, 'penguins', 'canary');
    expect(history.map((h) => h.weight)).toEqual([0, 0.25]);
    expect((await json('PUT', '/api/v1/models/penguins/aliases/canary', { version: 99 })).status).toBe(422);
    expect((await json('PUT', '/api/v1/models/penguins/aliases/canary', { version: 2, weight: 1.5 })).status).toBe(422);
  });
});

describe('serving limits', () => {
  it('budgets predicted instances, not requests: a big batch spends one unit per instance, then 429 with Retry-After', async () => {
    const limited = createApp(appDeps({ client: env.client, registry: defineRegistry({ pipelines: [] }), store, artifacts, predictionLog, taskQueue: 'serve', temporalUiUrl: null, security: { rateLimitPerMinute: 1_000, predictInstancesPerMinute: 10 } }));
    const batch = (n: number) =>
      limited.request('/api/v1/models/penguins/predict', { method: 'POST', body: JSON.stringify({ instances: Array.from({ length: n }, () => gentoo) }), headers: { 'content-type': 'application/json' } });
    expect((await batch(6)).status).toBe(200);
    const refused = await batch(6);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ error: { code: 'rate_limited', message: expect.stringContaining('too many predicted instances') } });
    expect((await batch(4)).status).toBe(200);
  });
});

describe('prediction log and feedback', () => {
  it("makes every request id itself: a client's X-Request-Id is only its correlation id, and cannot pre-claim a prediction", async () => {
    await new Promise((resolve) => setImmediate(resolve));
    const response = await app.request('/api/v1/models/penguins/predict', { method: 'POST', body: JSON.stringify({ instance: gentoo }), headers: { 'content-type': 'application/json', 'x-request-id': 'claimed-by-someone' } });
    const { requestId } = (await response.json()) as { requestId: string };
    expect(requestId).not.toBe('claimed-by-someone');
    expect(response.headers.get('x-request-id')).toBe(requestId);
    expect(response.headers.get('x-correlation-id')).toBe('claimed-by-someone');
    const feedback = await json('POST', '/api/v1/models/penguins/feedback', { requestId: 'claimed-by-someone', label: 'Adelie' });
    expect(feedback.status).toBe(404);
  });

  it('logs every served instance in batches off the request path, and records true labels by request id', async () => {
    await predictionLog.flush();
    const before = Number((await store.pool.query("SELECT count(*) AS n FROM prediction_log WHERE model = 'penguins'")).rows[0].n);
    // The second instance carries a field the model does not read (900 characters): it is not stored.
    const response = await predictRequest({ instances: [gentoo, { ...gentoo, Island: 'Dream', padding: 'x'.repeat(900) }] });
    const { requestId } = (await response.json()) as { requestId: string };
    expect(response.headers.get('x-request-id')).toBe(requestId);
    // Feedback right away: the prediction may still be buffered, and must be found anyway.
    const feedback = await json('POST', '/api/v1/models/penguins/feedback', { items: [{ requestId, item: 0, label: 'Gentoo' }, { requestId, item: 1, label: 'Chinstrap' }] });
    expect(await feedback.json()).toEqual({ model: 'penguins', recorded: 2 });
    const logged = await store.pool.query('SELECT item, prediction, features FROM prediction_log WHERE request_id = $1 ORDER BY item', [requestId]);
    expect(logged.rows.map((r) => [r.item, r.prediction])).toEqual([
      [0, 'Gentoo'],
      [1, 'Gentoo'],
    ]);
    expect(logged.rows[1].features.Island).toBe('Dream');
    expect(Object.keys(logged.rows[1].features).sort()).toEqual(Object.keys(gentoo).sort());
    const after = Number((await store.pool.query("SELECT count(*) AS n FROM prediction_log WHERE model = 'penguins'")).rows[0].n);
    expect(after - before).toBe(2);
    const labels = await store.pool.query('SELECT item, label FROM prediction_feedback WHERE request_id = $1 ORDER BY item', [requestId]);
    expect(labels.rows).toEqual([
      { item: 0, label: 'Gentoo' },
      { item: 1, label: 'Chinstrap' },
    ]);
    const unknown = await json('POST', '/api/v1/models/penguins/feedback', { requestId: 'no-such-request', label: 'Adelie' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'prediction_not_found', details: [{ requestId: 'no-such-request', item: 0 }] } });
    expect((await json('POST', '/api/v1/models/penguins/feedback', { requestId, label: null })).status).toBe(422);
  });
});

