/**
 * Steps that misbehave, each in a real worker process: an unhandled rejection, a throw inside a
 * timer, thrown non-Errors, a hang, a step that ignores cancellation. Promised: each fails (or is
 * abandoned) on its own with its error named, and the worker process keeps serving other steps.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { z } from 'zod';
import { definePipeline, remoteStep } from '../../lib/dsl';
import { startRun } from '../../lib/runs/startRun';
import { abortRunUpdate, runStateQuery } from '../../lib/runContract/messages';
import { connectTestEnv, uniqueQueue } from '../helpers/temporal';
import { waitFor } from '../helpers/waitFor';
import { isAlive, logLines, WorkerProcesses } from '../helpers/workerProcess';

let env: TestWorkflowEnvironment;
const workers = new WorkerProcesses();

beforeAll(async () => {
  env = await connectTestEnv();
});
afterEach(() => workers.killAll());
afterAll(async () => {
  await env?.teardown();
});

async function workerOnItsQueue(extraEnv: Record<string, string> = {}) {
  const taskQueue = uniqueQueue('misbehave');
  const logPath = join(inject('testDir'), `${taskQueue}.log`);
  writeFileSync(logPath, '');
  const child = await workers.spawn(taskQueue, logPath, extraEnv);
  return { taskQueue, logPath, child };
}

const misbehave = (how: string, extra: object = {}) => ({ activity: remoteStep('misbehave'), config: { how }, retry: { attempts: 1 }, heartbeat: '2s' as const, ...extra });

/** A healthy step still runs on this worker process, after whatever happened before. */
async function stillServes(taskQueue: string, logPath: string, child: ChildProcess) {
  expect(isAlive(child)).toBe(true);
  const healthy = definePipeline({ id: 'healthy', params: z.object({}), steps: { ok: { activity: remoteStep('side-effect'), config: { ms: 10 } } } });
  const run = await startRun(env.client, { pipeline: healthy, trigger: 'test', taskQueue });
  expect((await run.handle.result()).status).toBe('succeeded');
  expect(logLines(logPath).some(([event, step, , pid]) => event === 'done' && step === 'ok' && Number(pid) === child.pid)).toBe(true);
}

async function failureOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowFailedError);
  return (error as WorkflowFailedError).cause?.message ?? '';
}

describe('a misbehaving step fails alone; its worker keeps running', () => {
  it.each([
    ['unhandled-rejection', 'rejected where nobody awaited'],
    ['timer-throw', 'thrown inside a timer'],
  ])('%s: the step fails with its error named', async (how, message) => {
    const { taskQueue, logPath, child } = await workerOnItsQueue();
    const pipeline = definePipeline({ id: how, params: z.object({}), onFailure: { mode: 'fail' }, steps: { bad: misbehave(how) } });
    const run = await startRun(env.client, { pipeline, trigger: 'test', taskQueue });
    expect(await failureOf(run.handle.result())).toContain(message);
    await stillServes(taskQueue, logPath, child);
  });

  it('a thrown object, null or string becomes a readable error with its content', async () => {
    const { taskQueue } = await workerOnItsQueue();
    const pipeline = definePipeline({
      id: 'thrown-values',
      params: z.object({}),
      steps: { object: misbehave('throw-object'), nothing: misbehave('throw-null'), text: misbehave('throw-string') },
    });
    const run = await startRun(env.client, { pipeline, trigger: 'test', taskQueue });
    const state = await waitFor(async () => {
      const s = await run.handle.query(runStateQuery);
      return s.steps.every((step) => step.status === 'awaiting_operator') && s;
    }, 'all three steps to wait for an operator');
    const errors = Object.fromEntries(state.steps.map((s) => [s.name, s.error?.message]));
    expect(errors.object).toContain('{"code":42,"detail":"a plain object"}');
    expect(errors.nothing).toContain('a non-Error value was thrown: null');
    expect(errors.text).toBe('just a string');
    await run.handle.executeUpdate(abortRunUpdate, { args: [{ reason: 'test done' }] });
  });

  it("a hung step that reports its own progress fails as stalled after its heartbeat timeout; an 'auto' one at its timeout", async () => {
    const { taskQueue, logPath, child } = await workerOnItsQueue();
    const pipeline = definePipeline({
      id: 'hangs',
      params: z.object({}),
      steps: {
        manual: { activity: remoteStep('hang-manual'), heartbeat: '1s', retry: { attempts: 1 } },
        auto: misbehave('hang', { timeout: '3s' }),
      },
    });
    const started = Date.now();
    const run = await startRun(env.client, { pipeline, trigger: 'test', taskQueue });
    const manual = await waitFor(async () => (await run.handle.query(runStateQuery)).steps.find((s) => s.name === 'manual' && s.status === 'awaiting_operator'), 'the manual step to stall', 15_000);
    expect(manual.error).toMatchObject({ type: 'StepStalled' });
    expect(manual.error?.message).toMatch(/reported no progress for \d+ s/);
    expect(Date.now() - started).toBeLessThan(10_000);
    const auto = await waitFor(async () => (await run.handle.query(runStateQuery)).steps.find((s) => s.name === 'auto' && s.status === 'awaiting_operator'), 'the auto step to time out', 20_000);
    // In words, with the step's own timeout (Temporal's text was "activity StartToClose timeout").
    expect(auto.error).toMatchObject({ type: 'Timeout', message: "ran longer than its timeout (3 s) and was stopped; if it needs longer, raise the step's timeout option (START_TO_CLOSE)" });
    await run.handle.executeUpdate(abortRunUpdate, { args: [{ reason: 'test done' }] });
    await stillServes(taskQueue, logPath, child);
  });

  it('a step that ignores cancellation is abandoned: the cancel completes within the grace period', async () => {
    const { taskQueue, logPath, child } = await workerOnItsQueue();
    const pipeline = definePipeline({ id: 'stubborn', params: z.object({}), steps: { stubborn: misbehave('ignore-cancel', { heartbeat: '1s' }) } });
    const run = await startRun(env.client, { pipeline, trigger: 'test', taskQueue });
    await waitFor(() => logLines(logPath).some(([event, step]) => event === 'start' && step === 'stubborn'), 'the step to start');
    const cancelledAt = Date.now();
    await run.handle.cancel();
    await expect(run.handle.result()).rejects.toThrow();
    const waitedMs = Date.now() - cancelledAt;
    expect((await run.handle.describe()).status.name).toBe('CANCELLED');
    // Abandoned after 5 s of grace; a heartbeat (at most 1/3 s here) carries the cancel to the worker first.
    expect(waitedMs).toBeLessThan(5_000 + 3_000);
    await stillServes(taskQueue, logPath, child);
  });

  it('SIGTERM ends a worker within its shutdown grace plus 5 s, even with a step that ignores cancellation', async () => {
    const graceMs = 1_000;
    const { taskQueue, logPath, child } = await workerOnItsQueue({ SHUTDOWN_GRACE_MS: String(graceMs) });
    const pipeline = definePipeline({ id: 'stubborn-shutdown', params: z.object({}), steps: { stubborn: misbehave('ignore-cancel') } });
    const run = await startRun(env.client, { pipeline, trigger: 'test', taskQueue });
    await waitFor(() => logLines(logPath).some(([event, step]) => event === 'start' && step === 'stubborn'), 'the step to start');
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    await waitFor(() => !isAlive(child), 'the worker to exit', 30_000, 50);
    const tookMs = Date.now() - signalledAt;
    expect(child.exitCode).toBe(0);
    expect(tookMs).toBeLessThan(graceMs + 5_000 + 1_500);
    // The step was lost to a shutdown, not to a failure of its own: it runs again on the next worker.
    const next = await workers.spawn(taskQueue, logPath);
    await waitFor(() => logLines(logPath).some(([event, step, , pid]) => event === 'start' && step === 'stubborn' && Number(pid) === next.pid), 'the step to run again on the next worker');
    const state = await run.handle.query(runStateQuery);
    expect(state.steps[0]).toMatchObject({ status: 'running', attempts: 1, infrastructureRetries: 1 });
    await run.handle.terminate('test done');
  });
});
