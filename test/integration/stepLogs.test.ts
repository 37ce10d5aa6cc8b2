import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toActivity } from '../../activities/stepActivity';
import { definePipeline, defineRegistry, defineStep } from '../../lib/dsl';
import { scratchServices } from '../../lib/services';
import { freePort } from '../../lib/freePort';
import { createApp, type App } from '../../server/app';
import { startApiServer, type RunningApi } from '../../server/serve';
import { runCairn } from '../helpers/cli';
import { appDeps } from '../helpers/appDeps';
import { openTestStore, type TestStore } from '../helpers/postgres';
import { connectTestEnv, startTestWorker, type RunningWorker } from '../helpers/temporal';

// What a step author was promised: `ctx.log` lines are kept with the run, per step and attempt, in
// the order logged, readable through the API (and `cairn logs`), with at most
// CAIRN_STEP_LOG_MAX_LINES per step kept (the oldest trimmed and counted).
const MAX_LINES = 25;
const attemptsSeen = new Map<string, number>();

const chatty = defineStep({
  name: 'test-chatty',
  config: z.object({ lines: z.number().int(), failFirst: z.boolean().default(false), everyMs: z.number().int().default(0) }),
  run: async ({ run, config }, { log, attempt }) => {
    attemptsSeen.set(run.step, attempt);
    for (let i = 0; i < config.lines; i++) {
      log.info(`line ${i}`, { i });
      if (config.everyMs) await new Promise((resolve) => setTimeout(resolve, config.everyMs));
    }
    if (config.failFirst && attempt === 1) {
      log.error('giving up on attempt 1', { reason: 'first attempts fail here' });
      throw new Error('first attempt fails');
    }
    log.warn('done', { attempt });
    return { logged: config.lines };
  },
});

// A step that logs nothing: `cairn logs` says so rather than print nothing at all.
const silent = defineStep({ name: 'test-silent', run: () => ({}) });

const pipeline = definePipeline({
  id: 'logs-pipeline',
  params: z.object({}),
  steps: {
    first: { activity: chatty, config: { lines: 3, failFirst: true }, retry: { attempts: 2, backoff: { initial: '10ms' } } },
    second: { activity: chatty, after: ['first'], config: { lines: 2 } },
    flood: { activity: chatty, after: ['first'], config: { lines: 60 } },
    quiet: { activity: silent, after: ['first'] },
  },
});

const slow = definePipeline({ id: 'logs-slow', params: z.object({}), steps: { ticking: { activity: chatty, config: { lines: 8, everyMs: 400 } } } });

let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let testStore: TestStore;
let app: App;
let runId: string;
let api: RunningApi;

type LogsBody = { runId: string; step: string | null; lines: { id: number; step: string; attempt: number; level: string; message: string; fields: Record<string, unknown> | null }[]; trimmed: Record<string, number>; next: number };
const logs = async (path: string) => {
  const response = await app.request(path);
  expect(response.status).toBe(200);
  return (await response.json()) as LogsBody;
};

beforeAll(async () => {
  env = await connectTestEnv();
  testStore = await openTestStore();
  const services = { ...scratchServices(testStore.store), stepLogMaxLines: MAX_LINES };
  worker = await startTestWorker(env, { [chatty.name]: toActivity(chatty, services), [silent.name]: toActivity(silent, services) });
  app = createApp(appDeps({ client: env.client, registry: defineRegistry({ pipelines: [pipeline, slow] }), store: testStore.store, taskQueue: worker.taskQueue, temporalUiUrl: null }));
  const started = await app.request(`/api/v1/pipelines/${pipeline.id}/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(started.status).toBe(201);
  runId = ((await started.json()) as { runId: string }).runId;
  await env.client.workflow.getHandle(runId).result();
  api = await startApiServer(app, '127.0.0.1', await freePort());
});
afterAll(async () => {
  await api?.close();
  await worker?.stop();
  await env?.teardown();
  await testStore?.close();
});

const base = () => `/api/v1/runs/${encodeURIComponent(runId)}`;

describe('step logs', () => {
  it("keeps a step's lines per attempt, in the order logged, with their fields", async () => {
    const body = await logs(`${base()}/steps/first/logs`);
    expect(attemptsSeen.get('first')).toBe(2);
    expect(body.step).toBe('first');
    expect(body.lines.map((l) => `${l.attempt} ${l.level} ${l.message}`)).toEqual([
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
    expect(body.lines[3]!.fields).toEqual({ reason: 'first attempts fail here' });
    // The failed attempt's end, with the stack the run's state leaves out.
    expect(body.lines[4]!.fields).toEqual({ type: 'Error', stack: expect.stringMatching(/^Error: first attempt fails\n\s+at /) });
    expect(body.lines.every((l) => l.step === 'first')).toBe(true);
    expect(body.trimmed).toEqual({});
  });

  it('keeps at most CAIRN_STEP_LOG_MAX_LINES per step, trimming the oldest and counting them', async () => {
    const body = await logs(`${base()}/steps/flood/logs`);
    // 60 lines and 'done': 61 logged, the newest 25 kept.
    expect(body.lines).toHaveLength(MAX_LINES);
    expect(body.lines[0]!.message).toBe(`line ${61 - MAX_LINES}`);
    expect(body.lines.at(-1)!.message).toBe('done');
    expect(body.trimmed).toEqual({ flood: 61 - MAX_LINES });
  });

  it("serves the whole run's lines interleaved, and pages with `after`", async () => {
    const all = await logs(`${base()}/logs`);
    expect(all.step).toBeNull();
    expect(new Set(all.lines.map((l) => l.step))).toEqual(new Set(['first', 'second', 'flood']));
    expect(all.lines.length).toBe(9 + 3 + MAX_LINES);
    const ids = all.lines.map((l) => l.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const firstPage = await logs(`${base()}/logs?limit=5`);
    expect(firstPage.lines.map((l) => l.id)).toEqual(ids.slice(0, 5));
    const secondPage = await logs(`${base()}/logs?limit=5&after=${firstPage.next}`);
    expect(secondPage.lines.map((l) => l.id)).toEqual(ids.slice(5, 10));
    const end = await logs(`${base()}/logs?after=${ids.at(-1)}`);
    expect(end).toMatchObject({ lines: [], next: ids.at(-1) });
  });

  it('names a bad query, and answers an empty list for a run that logged nothing', async () => {
    const bad = await app.request(`${base()}/logs?after=-1`);
    expect(bad.status).toBe(422);
    expect(JSON.stringify(await bad.json())).toContain('after');
    const none = await logs('/api/v1/runs/cairn%3Alogs-pipeline%3Anone%3Ax/logs');
    expect(none).toMatchObject({ lines: [], trimmed: {}, next: 0 });
  });

  it('`cairn logs` prints a run\'s lines, one step\'s, JSON lines, and --follow ends with a finished run', async () => {
    const all = await runCairn(api.url, ['logs', runId]);
    expect(all.code).toBe(0);
    const lines = all.stdout.trim().split('\n');
    expect(lines[0]).toBe(`(${61 - MAX_LINES} older lines of flood were trimmed: CAIRN_STEP_LOG_MAX_LINES)`);
    expect(lines).toContainEqual(expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3} first#1 ERROR giving up on attempt 1 \{"reason":"first attempts fail here"\}$/));
    const records = lines.filter((line) => /^\d\d:\d\d:\d\d\.\d{3} /.test(line));
    expect(records.length).toBe(9 + 3 + MAX_LINES);
    // The failed attempt's last line carries its stack: printed under it, indented, down to the step's own frame.
    const failed = lines.findIndex((line) => / first#1 ERROR attempt 1 failed: first attempt fails \{"type":"Error"/.test(line));
    expect(failed).toBeGreaterThan(0);
    expect(lines[failed + 1]).toBe('    Error: first attempt fails');
    expect(lines.slice(failed + 2).find((line) => !line.startsWith('    '))).toMatch(/^\d\d:/);
    expect(lines.slice(failed + 1).findIndex((line) => line.includes('stepLogs.test.ts'))).toBeGreaterThan(0);
    expect(lines.length).toBe(1 + records.length + lines.filter((line) => line.startsWith('    ')).length);
    const one = await runCairn(api.url, ['logs', runId, 'second', '--json']);
    expect(one.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { message: string }).message)).toEqual(['line 0', 'line 1', 'done']);
    const followed = await runCairn(api.url, ['logs', runId, 'second', '--follow']);
    expect(followed.code).toBe(0);
    expect(followed.stdout.trim().split('\n')).toHaveLength(3);
    const unknownStep = await runCairn(api.url, ['logs', runId, 'Bad Step']);
    expect(unknownStep.code).not.toBe(0);
    expect(unknownStep.stderr).toMatch(/step/);
    // A step the run does not have is an error naming the steps it has (it printed nothing, exit 0).
    const missing = await runCairn(api.url, ['logs', runId, 'seccond']);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toBe(`cairn: run ${runId} has no step 'seccond'; steps: first, second, flood, quiet\n`);
    // A step that logged nothing: stdout stays empty (for pipes), stderr says why there is nothing.
    const quiet = await runCairn(api.url, ['logs', runId, 'quiet']);
    expect(quiet).toMatchObject({ code: 0, stdout: '' });
    expect(quiet.stderr).toBe(`(step quiet of run ${runId} has logged nothing)\n`);
  });

  it('`cairn logs --follow` prints the lines of a running step as they come, and ends with the run; an unknown run is an error', async () => {
    const started = await app.request(`/api/v1/pipelines/${slow.id}/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const slowRun = ((await started.json()) as { runId: string }).runId;
    const followed = await runCairn(api.url, ['logs', slowRun, '--follow']);
    expect(followed.code).toBe(0);
    expect(followed.stdout.trim().split('\n').map((l) => l.replace(/^\S+ ticking#1 \w+ +/, ''))).toEqual([...Array.from({ length: 8 }, (_, i) => `line ${i} {"i":${i}}`), 'done {"attempt":1}']);
    const unknown = await runCairn(api.url, ['logs', 'cairn:logs-pipeline:none:x']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/no such run/);
  });
});
