import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toActivity } from '../../activities/stepActivity';
import { definePipeline, defineStep } from '../../lib/dsl';
import { startRun } from '../../lib/runs/startRun';
import { scratchServices } from '../../lib/services';
import { openStore, type Store } from '../../lib/store/openStore';
import { readStepLogs } from '../../lib/store/stepLogsTable';
import { PrivatePostgres } from '../fault/privatePostgres';
import { connectTestEnv, startTestWorker, type RunningWorker } from '../helpers/temporal';
import { waitFor } from '../helpers/waitFor';

// Promised: PostgreSQL going away while a step logs neither fails nor stalls the step, and loses no
// line: what the step logged during the outage reaches the store once it is back, in order.
// A private PostgreSQL of the test's own (the shared one is never stopped).

let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let postgres: PrivatePostgres;
let store: Store;

/** Gates the test opens to move the step on: each resolves once. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}
const outageStarted = gate();
const outageOver = gate();

const patient = defineStep({
  name: 'test-logs-through-outage',
  config: z.object({}),
  run: async (_input, { log }) => {
    for (let i = 1; i <= 3; i++) log.info(`before ${i}`);
    await outageStarted.opened;
    for (let i = 1; i <= 2; i++) log.warn(`during ${i}`);
    await outageOver.opened;
    log.info('after');
    return { ok: true };
  },
});

const pipeline = definePipeline({ id: 'logs-outage', params: z.object({}), steps: { talk: { activity: patient, config: {} } } });

beforeAll(async () => {
  postgres = await PrivatePostgres.create();
  store = await openStore({ databaseUrl: postgres.url, home: '/tmp', deadlines: { connectTimeoutMs: 1_000, statementTimeoutMs: 2_000 } });
  env = await connectTestEnv();
  worker = await startTestWorker(env, { [patient.name]: toActivity(patient, scratchServices(store)) });
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
  await store?.close();
  await postgres?.destroy();
});

describe('step logs through a PostgreSQL outage', () => {
  it('holds the lines logged while the store is stopped and stores them, in order, when it is back; the step succeeds', async () => {
    const { handle, runId } = await startRun(env.client, { pipeline, trigger: 'test', taskQueue: worker.taskQueue });
    const messages = async () => (await readStepLogs(store.pool, { runId, step: 'talk', afterId: 0, limit: 100 })).lines.map((l) => l.message);
    // The first lines reach the store on the logger's one-second timer while the step still runs.
    await waitFor(async () => (await messages()).length === 3, 'the first lines to be stored', 10_000);
    await postgres.stop();
    outageStarted.open();
    // Past the logger's next send, which fails: the lines are held.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await postgres.start();
    outageOver.open();
    const result = (await handle.result()) as { status: string };
    expect(result.status).toBe('succeeded');
    await waitFor(async () => (await messages()).length === 6, 'every line to be stored', 15_000);
    expect(await messages()).toEqual(['before 1', 'before 2', 'before 3', 'during 1', 'during 2', 'after']);
  }, 60_000);
});
