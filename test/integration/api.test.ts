import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { definePipeline, defineRegistry } from '../../lib/dsl';
import type { RunView } from '../../lib/runs/describeRun';
import { type Store } from '../../lib/store/openStore';
import { recordRunArtifact } from '../../lib/store/runArtifacts';
import { createApp, type App } from '../../server/app';
import { openTestStore, type TestStore } from '../helpers/postgres';
import { recordingSteps } from '../helpers/recordingSteps';
import { connectTestEnv, startTestWorker, uniqueQueue, type RunningWorker } from '../helpers/temporal';
import { waitFor } from '../helpers/waitFor';
import { appDeps } from '../helpers/appDeps';

let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let app: App;
const steps = recordingSteps();

const pipelines = [
  definePipeline({
    id: 'api-pipeline',
    params: z.object({ rows: z.number().int().min(1).default(10), label: z.string().default('y') }),
    steps: {
      load: { activity: steps.work, config: { ms: 0 }, retry: { attempts: 1 } },
      train: { activity: steps.work, after: ['load'], config: { ms: 0 } },
    },
  }),
  definePipeline({
    id: 'api-slow',
    params: z.object({}),
    steps: { slow: { activity: steps.work, config: { ms: 30_000 }, heartbeat: '2s' } },
  }),
  definePipeline({
    id: 'api-conditional',
    params: z.object({}),
    steps: { score: { activity: steps.work }, ship: { activity: steps.work, after: ['score'], when: { step: 'score', field: 'gate.passed' } } },
  }),
];

let testStore: TestStore;
let store: Store;

beforeAll(async () => {
  env = await connectTestEnv();
  worker = await startTestWorker(env, steps.activities);
  testStore = await openTestStore();
  store = testStore.store;
  app = createApp(appDeps({ client: env.client, registry: defineRegistry({ pipelines }), store, taskQueue: worker.taskQueue, temporalUiUrl: 'http://127.0.0.1:8233' }));
});
afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
  await testStore?.close();
});
beforeEach(() => steps.failuresLeft.clear());

const post = (path: string, body?: unknown, raw?: string) =>
  app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
const json = async (response: Response) => (await response.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const runUrl = (runId: string) => `/api/v1/runs/${encodeURIComponent(runId)}`;
const getRun = async (runId: string) => (await json(await app.request(runUrl(runId)))) as RunView;
const startApiRun = async (id = 'api-pipeline', body: object = {}) => {
  const response = await post(`/api/v1/pipelines/${id}/runs`, body);
  expect(response.status).toBe(201);
  return (await json(response)).runId as string;
};

describe('HTTP API', () => {
  it('answers /healthz and /readyz with Temporal reachable', async () => {
    expect((await app.request('/healthz')).status).toBe(200);
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await json(ready)).toMatchObject({ status: 'ready', checks: { temporal: 'ok', store: 'ok' } });
  });

  it("lists a run's artifacts from the metadata store", async () => {
    const ref = { uri: `cas://sha256/${'c'.repeat(64)}`, sha256: 'c'.repeat(64), size: 7, mediaType: 'text/csv' };
    await recordRunArtifact(store.pool, { runId: 'cairn:api-pipeline:api:x1', step: 'load', name: 'dataset', ref });
    const body = await json(await app.request(runUrl('cairn:api-pipeline:api:x1') + '/artifacts'));
    expect(body.artifacts).toEqual([expect.objectContaining({ step: 'load', name: 'dataset', ...ref })]);
    const storeless = createApp(appDeps({ client: env.client, registry: defineRegistry({ pipelines }), taskQueue: worker.taskQueue, temporalUiUrl: null }));
    const unavailable = await storeless.request(runUrl('cairn:api-pipeline:api:x1') + '/artifacts');
    expect(unavailable.status).toBe(503);
    expect((await json(unavailable)).error.code).toBe('store_unavailable');
  });

  it('lists pipelines with their params schema and steps', async () => {
    const body = await json(await app.request('/api/v1/pipelines'));
    const listed = body.pipelines.find((p: { id: string }) => p.id === 'api-pipeline');
    expect(listed.params.properties.rows).toMatchObject({ type: 'integer', default: 10 });
    expect(listed.steps).toEqual([
      { name: 'load', activity: 'test-work', after: [], queue: null, when: null, summary: null, output: null },
      { name: 'train', activity: 'test-work', after: ['load'], queue: null, when: null, summary: null, output: null },
    ]);
    const conditional = body.pipelines.find((p: { id: string }) => p.id === 'api-conditional');
    expect(conditional.steps[1]).toMatchObject({ name: 'ship', after: ['score'], when: { step: 'score', field: 'gate.passed', equals: true } });
  });

  it('starts a run and reports its status and every step', async () => {
    const response = await post('/api/v1/pipelines/api-pipeline/runs', { params: { rows: 5 } });
    expect(response.status).toBe(201);
    const started = await json(response);
    expect(started.runId).toMatch(/^cairn:api-pipeline:api:/);
    expect(started.params).toEqual({ rows: 5, label: 'y' });
    expect(started.links.web).toContain('/namespaces/default/workflows/cairn%3Aapi-pipeline');
    const run = await waitFor(async () => {
      const r = await getRun(started.runId);
      return r.status === 'succeeded' && r;
    }, 'run to succeed');
    expect(run).toMatchObject({ pipeline: 'api-pipeline', trigger: 'api', temporalStatus: 'COMPLETED' });
    expect(run.steps?.map((s) => [s.name, s.status])).toEqual([
      ['load', 'succeeded'],
      ['train', 'succeeded'],
    ]);
  });

  it('rejects bad requests with one error shape and the right status', async () => {
    const cases: [Response, number, string][] = [
      [await post('/api/v1/pipelines/api-pipeline/runs', { params: { rows: 0 } }), 422, 'invalid_params'],
      [await post('/api/v1/pipelines/api-pipeline/runs', { params: { rowz: 3 } }), 422, 'invalid_params'],
      [await post('/api/v1/pipelines/api-pipeline/runs', { params: 'rows=3' }), 422, 'invalid_body'],
      [await post('/api/v1/pipelines/api-pipeline/runs', { parms: {} }), 422, 'invalid_body'],
      [await post('/api/v1/pipelines/api-pipeline/runs', undefined, '{"params": '), 400, 'invalid_json'],
      [await post('/api/v1/pipelines/nope/runs', {}), 404, 'pipeline_not_found'],
      [await app.request('/api/v1/runs/cairn:none:api:missing'), 404, 'run_not_found'],
      [await app.request('/api/v1/runs/bad%20id%2F..'), 400, 'invalid_path'],
      [await app.request('/api/v1/nothing'), 404, 'not_found'],
    ];
    for (const [response, status, code] of cases) {
      expect(response.status).toBe(status);
      const body = await json(response);
      expect(body.error.code).toBe(code);
      expect(typeof body.error.message).toBe('string');
    }
    const invalid = await json(await post('/api/v1/pipelines/api-pipeline/runs', { params: { rows: 'five' } }));
    expect(invalid.error.details).toEqual([{ path: 'rows', message: expect.stringContaining('expected number') }]);
  });

  it('refuses a second run with the same idempotency key', async () => {
    const first = await startApiRun('api-pipeline', { key: 'nightly-2026-11-26' });
    const again = await post('/api/v1/pipelines/api-pipeline/runs', { key: 'nightly-2026-11-26' });
    expect(again.status).toBe(409);
    expect((await json(again)).error.code).toBe('run_exists');
    await waitFor(async () => (await getRun(first)).status === 'succeeded', 'first run to finish');
  });

  it('retries and skips steps that await an operator, and refuses what does not apply', async () => {
    steps.failuresLeft.set('load', 1);
    const runId = await startApiRun();
    await waitFor(async () => (await getRun(runId)).status === 'awaiting_operator', 'awaiting_operator');
    const conflict = await post(`${runUrl(runId)}/steps/train/retry`, {});
    expect(conflict.status).toBe(409);
    expect((await json(conflict)).error.message).toContain("step 'train' is pending, not awaiting an operator");
    expect((await post(`${runUrl(runId)}/steps/ghost/skip`, {})).status).toBe(409);
    const retried = await post(`${runUrl(runId)}/steps/load/retry`, { reason: 'fixed' });
    expect(retried.status).toBe(200);
    expect((await json(retried)).step.name).toBe('load');
    await waitFor(async () => (await getRun(runId)).status === 'succeeded', 'succeeded after retry');

    steps.failuresLeft.set('load', 1);
    const skipped = await startApiRun();
    await waitFor(async () => (await getRun(skipped)).status === 'awaiting_operator', 'awaiting_operator');
    expect((await post(`${runUrl(skipped)}/steps/load/skip`, {})).status).toBe(200);
    const done = await waitFor(async () => {
      const r = await getRun(skipped);
      return r.status === 'succeeded' && r;
    }, 'succeeded after skip');
    expect(done.steps?.map((s) => s.status)).toEqual(['skipped', 'succeeded']);
  });

  it('aborts and cancels runs', async () => {
    const aborted = await startApiRun('api-slow');
    await waitFor(async () => (await getRun(aborted)).steps?.[0]?.status === 'running', 'slow step running');
    const abort = await post(`${runUrl(aborted)}/abort`, { reason: 'wrong data' });
    expect(abort.status).toBe(200);
    const abortedRun = await waitFor(async () => {
      const r = await getRun(aborted);
      return r.status === 'failed' && r;
    }, 'aborted run to fail');
    expect(abortedRun.abortReason).toBe('wrong data');

    const cancelled = await startApiRun('api-slow');
    await waitFor(async () => (await getRun(cancelled)).steps?.[0]?.status === 'running', 'slow step running');
    expect((await post(`${runUrl(cancelled)}/cancel`)).status).toBe(202);
    await waitFor(async () => (await getRun(cancelled)).status === 'cancelled', 'cancelled');
    const again = await post(`${runUrl(cancelled)}/cancel`);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { message: string } }).error.message).toBe(`run ${cancelled} has finished (cancelled) and takes no more decisions; to run its steps again: cairn rerun ${cancelled} --from <step>`);
    expect((await post(`${runUrl(cancelled)}/abort`, {})).status).toBe(409);
  });
});

describe('a run no worker serves', () => {
  it('is still described within the request deadline, its steps unavailable because no worker polls its task queue', async () => {
    // An API whose pipelines' task queue no worker polls (a worker deployment down, or pointed elsewhere).
    const taskQueue = uniqueQueue('unserved');
    const temporalTimeoutMs = 3_000;
    const lonely = createApp(appDeps({ client: env.client, registry: defineRegistry({ pipelines }), store, taskQueue, security: { temporalTimeoutMs } }));
    const started = await lonely.request('/api/v1/pipelines/api-pipeline/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(started.status).toBe(201);
    const { runId } = await json(started);
    const asked = Date.now();
    const response = await lonely.request(runUrl(runId));
    expect(Date.now() - asked).toBeLessThan(temporalTimeoutMs);
    expect(response.status).toBe(200);
    const view = (await response.json()) as RunView;
    expect(view).toMatchObject({ status: 'running', steps: null });
    expect(view.stepsUnavailable).toContain(`no worker has polled task queue '${taskQueue}' in the last 75 s; the run goes on when one does (cairn worker)`);

    // A worker for that queue starts: the same run goes on, and its view shows its steps again.
    const late = await startTestWorker(env, steps.activities, { taskQueue });
    try {
      const done = await waitFor(async () => {
        const r = (await json(await lonely.request(runUrl(runId)))) as RunView;
        return r.status === 'succeeded' && r;
      }, 'the run to succeed once a worker serves its queue');
      expect(done.stepsUnavailable).toBeUndefined();
      expect(done.steps?.map((s) => s.status)).toEqual(['succeeded', 'succeeded']);
    } finally {
      await late.stop();
    }
  });
});

describe('numbers and ids the database cannot hold (found by an outside OpenAPI fuzzer)', () => {
  // Each was a 500 (a PostgreSQL int4 overflow, or a history call with no "not found" of its own).
  it('answers a 4xx naming the field, never a 500', async () => {
    const huge = 9007199254740990;
    const cases: [string, Response | Promise<Response>, number][] = [
      ['version in a path', app.request(`/api/v1/models/a/versions/${huge}`), 400],
      ['version in an alias body', app.request('/api/v1/models/a/aliases/a', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ version: huge }) }), 422],
      ['version in a query', post(`/api/v1/models/a/predict?version=${huge}`, { instance: { x: 1 } }), 422],
      ['the largest version a database integer holds is fine', app.request('/api/v1/models/a/versions/2147483647'), 404],
      ['a re-run of a run that does not exist', post('/api/v1/runs/0/rerun', { fromStep: 'A' }), 404],
    ];
    for (const [what, response, status] of cases) expect([what, (await response).status]).toEqual([what, status]);
  });
});
