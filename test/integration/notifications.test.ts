import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createActivities } from '../../activities';
import { definePipeline, defineRegistry, defineStep } from '../../lib/dsl';
import { DataError } from '../../lib/errors';
import { createApp, type App } from '../../server/app';
import { appDeps } from '../helpers/appDeps';
import { registerPenguins } from '../helpers/penguinsModel';
import { openTestStore, type TestStore } from '../helpers/postgres';
import { testServices } from '../helpers/sources';
import { connectTestEnv, startTestWorker, type RunningWorker } from '../helpers/temporal';
import { waitFor } from '../helpers/waitFor';

// What an operator was promised: each event (a run failed, a step awaiting an operator or an
// approval, a promotion, a rollback) reaches every target listening to it once, signed; a receiver
// answering 500 twice gets exactly one delivery on the third try; a Slack-compatible target gets
// `{ text }` with the commands; a slow receiver does not slow the pipeline; each run shows its
// deliveries. A receiver of the test's own on loopback records what arrives.
const SECRET = 'notification-secret-for-the-test-0123456789';

interface Received {
  path: string;
  headers: Record<string, string | undefined>;
  body: string;
  answered: number;
}
const received: Received[] = [];
const failuresLeft = new Map<string, number>();
let receiver: Server;
let baseUrl: string;

const brittle = defineStep({
  name: 'test-brittle',
  run: () => {
    throw new DataError('row 3: the file is not there yet');
  },
});

const failing = definePipeline({ id: 'notify-failing', params: z.object({}), steps: { fetch: { activity: brittle, retry: { attempts: 1 } } } });
const gated = definePipeline({ id: 'notify-gated', params: z.object({}), steps: { ship: { activity: 'noop', approval: true } } });

let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let testStore: TestStore;
let app: App;

const post = async (path: string, body: unknown) => app.request(path, { method: path.includes('/aliases/') && !path.endsWith('/rollback') ? 'PUT' : 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const start = async (pipeline: string) => ((await (await post(`/api/v1/pipelines/${pipeline}/runs`, {})).json()) as { runId: string }).runId;
const stepStatus = async (runId: string) => ((await (await app.request(`/api/v1/runs/${encodeURIComponent(runId)}`)).json()) as { steps: { status: string }[] | null }).steps?.[0]?.status;
const events = (path: string) => received.filter((r) => r.path === path && r.answered === 200).map((r) => JSON.parse(r.body) as { id: string; kind: string; runId: string | null; summary: string; commands: string[] });

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const path = request.url ?? '';
      const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]));
      const eventId = headers['x-cairn-event-id'] ?? '';
      const answer = (status: number) => {
        received.push({ path, headers, body, answered: status });
        response.writeHead(status).end();
      };
      if (path === '/slow') return void setTimeout(() => answer(200), 15_000).unref();
      if (path === '/flaky') {
        const left = failuresLeft.get(eventId) ?? 2;
        failuresLeft.set(eventId, left - 1);
        return answer(left > 0 ? 500 : 200);
      }
      answer(200);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  env = await connectTestEnv();
  testStore = await openTestStore();
  const registry = defineRegistry({
    pipelines: [failing, gated],
    // Declared in definitions, beside the deployment's CAIRN_NOTIFY targets below.
    notifications: [{ name: 'chat', url: `${baseUrl}/slack`, format: 'slack', events: ['run.failed'] }],
  });
  const services = testServices({
    artifacts: testStore.artifacts,
    store: testStore.store,
    notifications: {
      secret: SECRET,
      targets: [
        { name: 'everything', url: `${baseUrl}/all` },
        { name: 'flaky', url: `${baseUrl}/flaky`, events: ['step.awaiting_operator'] },
        { name: 'slow', url: `${baseUrl}/slow`, events: ['step.awaiting_approval'] },
      ],
    },
  });
  worker = await startTestWorker(env, createActivities(registry, services));
  app = createApp(appDeps({ client: env.client, registry, store: testStore.store, artifacts: testStore.artifacts, taskQueue: worker.taskQueue, temporalUiUrl: null }));
});
afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
  await testStore?.close();
  receiver?.close();
});

describe('notifications', () => {
  let failedRun: string;

  it('announces a step awaiting an operator once, with the commands, signed; a 500 twice is delivered on the third try', async () => {
    failedRun = await start(failing.id);
    await waitFor(async () => (await stepStatus(failedRun)) === 'awaiting_operator', 'the step to await an operator');
    await waitFor(async () => events('/flaky').length === 1, 'the flaky receiver to accept the event', 20_000);
    const [event] = events('/all').filter((e) => e.kind === 'step.awaiting_operator');
    expect(event).toMatchObject({ runId: failedRun, commands: [`cairn retry ${failedRun} fetch`, `cairn skip ${failedRun} fetch`, `cairn abort ${failedRun}`] });
    expect(event!.summary).toMatch(/row 3: the file is not there yet/);
    const flaky = received.filter((r) => r.path === '/flaky');
    expect(flaky.map((r) => r.answered)).toEqual([500, 500, 200]);
    expect(new Set(flaky.map((r) => r.headers['x-cairn-event-id']))).toEqual(new Set([event!.id]));
    for (const request of received.filter((r) => r.path === '/all' || r.path === '/flaky')) {
      const expected = `sha256=${createHmac('sha256', SECRET).update(`${request.headers['x-cairn-timestamp']}.${request.body}`).digest('hex')}`;
      expect(request.headers['x-cairn-signature']).toBe(expected);
      expect(Math.abs(Number(request.headers['x-cairn-timestamp']) - Date.now() / 1000)).toBeLessThan(120);
    }
  });

  it('announces the run failing once, to the JSON target and to the Slack-compatible one', async () => {
    expect((await post(`/api/v1/runs/${encodeURIComponent(failedRun)}/abort`, { reason: 'the supplier is late' })).status).toBe(200);
    await waitFor(async () => events('/slack').length === 1, 'the chat target to get the failure');
    const failure = events('/all').filter((e) => e.kind === 'run.failed');
    expect(failure).toHaveLength(1);
    expect(failure[0]!.summary).toMatch(/aborted: the supplier is late/);
    const slack = JSON.parse(received.find((r) => r.path === '/slack')!.body) as Record<string, unknown>;
    expect(Object.keys(slack)).toEqual(['text']);
    expect(slack.text).toMatch(new RegExp(`failed: aborted: the supplier is late[\\s\\S]*\`cairn status ${failedRun}\``));
    // The run shows where its notifications went (a delivery is recorded once the receiver has answered: wait for that).
    type Deliveries = { deliveries: { kind: string; target: string; state: string; attempts: number }[] };
    const deliveries = async () => ((await (await app.request(`/api/v1/runs/${encodeURIComponent(failedRun)}/notifications`)).json()) as Deliveries).deliveries;
    const recorded = await waitFor(async () => {
      const now = await deliveries();
      return now.length === 4 && now.every((d) => d.state === 'delivered') ? now : undefined;
    }, 'the four deliveries to be recorded');
    expect(recorded.map((d) => [d.kind, d.target, d.state, d.attempts]).sort()).toEqual(
      [
        ['run.failed', 'chat', 'delivered', 1],
        ['run.failed', 'everything', 'delivered', 1],
        ['step.awaiting_operator', 'everything', 'delivered', 1],
        ['step.awaiting_operator', 'flaky', 'delivered', 3],
      ].sort(),
    );
  });

  it('does not hold a run back for a slow receiver', async () => {
    const run = await start(gated.id);
    await waitFor(async () => (await stepStatus(run)) === 'awaiting_approval', 'the step to await approval');
    const rejectedAt = Date.now();
    expect((await post(`/api/v1/runs/${encodeURIComponent(run)}/steps/ship/reject`, { reason: 'not today' })).status).toBe(200);
    await env.client.workflow.getHandle(run).result().catch(() => undefined);
    expect(Date.now() - rejectedAt).toBeLessThan(5_000);
    // The slow receiver has not answered yet; the event did go out to the others.
    expect(received.some((r) => r.path === '/slow')).toBe(false);
    await waitFor(async () => events('/all').filter((e) => e.runId === run).length === 2, 'the approval and failure events');
    expect(events('/all').filter((e) => e.runId === run).map((e) => e.kind).sort()).toEqual(['run.failed', 'step.awaiting_approval']);
  });

  it('announces a promotion and a rollback through the API once each', async () => {
    const first = await registerPenguins(testStore.store.pool, testStore.artifacts, 1e-3, 'run-notify-1');
    const second = await registerPenguins(testStore.store.pool, testStore.artifacts, 1, 'run-notify-2');
    expect((await post('/api/v1/models/penguins/aliases/production', { version: first.version })).status).toBe(200);
    expect((await post('/api/v1/models/penguins/aliases/production', { version: second.version, reason: 'better' })).status).toBe(200);
    // The same move again changes nothing and announces nothing.
    expect((await post('/api/v1/models/penguins/aliases/production', { version: second.version })).status).toBe(200);
    expect((await post('/api/v1/models/penguins/aliases/production/rollback', { reason: 'worse in the field' })).status).toBe(200);
    await waitFor(async () => events('/all').some((e) => e.kind === 'model.rolled_back'), 'the rollback event');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const models = events('/all').filter((e) => e.kind.startsWith('model.'));
    // Each delivery is its own workflow: they may arrive in any order.
    expect(models.map((e) => e.kind).sort()).toEqual(['model.promoted', 'model.promoted', 'model.rolled_back']);
    expect(models.find((e) => e.kind === 'model.rolled_back')!.summary).toMatch(new RegExp(`penguins production rolled back to v${first.version} from v${second.version}.*worse in the field`));
    // Every event arrived at the catch-all target once.
    const ids = events('/all').map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
