/**
 * A finished run's steps are readable with no worker running: a succeeded run from its result, a
 * failed or cancelled one from the final state it recorded in its memo.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { definePipeline } from '../../lib/dsl';
import { describeRun } from '../../lib/runs/describeRun';
import { startRun } from '../../lib/runs/startRun';
import { recordingSteps } from '../helpers/recordingSteps';
import { connectTestEnv, startTestWorker, uniqueQueue } from '../helpers/temporal';
import { waitFor } from '../helpers/waitFor';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await connectTestEnv();
});
afterAll(async () => {
  await env?.teardown();
});

describe('a finished run without a worker', () => {
  it('shows every step of a succeeded, a failed and a cancelled run once its worker is gone', async () => {
    const steps = recordingSteps();
    const taskQueue = uniqueQueue('finished');
    const worker = await startTestWorker(env, steps.activities, { taskQueue });
    const work = (after: ('a' | 'b')[] = [], ms = 0) => ({ activity: steps.work, after, config: { ms } });
    const ok = definePipeline({ id: 'finished-ok', params: z.object({}), steps: { a: work(), b: work(['a']) } });
    const bad = definePipeline({ id: 'finished-bad', params: z.object({}), onFailure: { mode: 'fail' }, steps: { a: work(), b: { activity: steps.badData, after: ['a'] } } });
    const slow = definePipeline({ id: 'finished-cancelled', params: z.object({}), steps: { a: work(), b: work(['a'], 30_000) } });
    const succeeded = await startRun(env.client, { pipeline: ok, trigger: 'test', taskQueue });
    const failed = await startRun(env.client, { pipeline: bad, trigger: 'test', taskQueue });
    const cancelled = await startRun(env.client, { pipeline: slow, trigger: 'test', taskQueue });
    await succeeded.handle.result();
    await expect(failed.handle.result()).rejects.toThrow();
    await waitFor(() => steps.of('b', 'start').length >= 2, 'the slow step to start');
    await cancelled.handle.cancel();
    await expect(cancelled.handle.result()).rejects.toThrow();
    await worker.stop();

    // The view asks for an open run's live state alongside the description; the server itself refuses
    // that query for a closed run, so with no worker nothing waits for the query's deadline.
    const queryTimeoutMs = 4_000;
    const asked = Date.now();
    const views = await Promise.all([succeeded, failed, cancelled].map((run) => describeRun(env.client, run.runId, { queryTimeoutMs })));
    expect(Date.now() - asked).toBeLessThan(queryTimeoutMs);
    for (const view of views) expect(view.stepsUnavailable).toBeUndefined();
    const [s, f, c] = views;
    expect(s?.steps?.map((step) => [step.name, step.status])).toEqual([['a', 'succeeded'], ['b', 'succeeded']]);
    expect(s?.steps?.[1]?.output).toMatchObject({ step: 'b' });
    expect(f?.status).toBe('failed');
    expect(f?.steps?.map((step) => [step.name, step.status])).toEqual([['a', 'succeeded'], ['b', 'failed']]);
    expect(f?.steps?.[1]?.error).toMatchObject({ type: 'DataError', message: expect.stringContaining("row 7: column 'age'") });
    expect(c?.status).toBe('cancelled');
    expect(c?.steps?.map((step) => [step.name, step.status])).toEqual([['a', 'succeeded'], ['b', 'cancelled']]);
  });
});

describe('an open run', () => {
  it('shows its live steps while a worker runs it, and says so within one query deadline when none answers', async () => {
    const steps = recordingSteps();
    const taskQueue = uniqueQueue('open');
    const worker = await startTestWorker(env, steps.activities, { taskQueue });
    const slow = definePipeline({ id: 'open-run', params: z.object({}), steps: { a: { activity: steps.work, config: { ms: 0 } }, b: { activity: steps.work, after: ['a'], config: { ms: 60_000 } } } });
    const run = await startRun(env.client, { pipeline: slow, trigger: 'test', taskQueue });
    await waitFor(() => steps.of('b', 'start').length >= 1, 'the slow step to start');
    const live = await describeRun(env.client, run.runId);
    expect(live.status).toBe('running');
    expect(live.steps?.map((step) => [step.name, step.status])).toEqual([['a', 'succeeded'], ['b', 'running']]);
    await worker.stop();

    const queryTimeoutMs = 2_000;
    const asked = Date.now();
    const orphaned = await describeRun(env.client, run.runId, { queryTimeoutMs });
    const waited = Date.now() - asked;
    expect(orphaned.steps).toBeNull();
    expect(orphaned.stepsUnavailable).toMatch(/no worker answered the state query/);
    expect(waited).toBeGreaterThanOrEqual(queryTimeoutMs - 100);
    expect(waited).toBeLessThan(2 * queryTimeoutMs);
    await run.handle.terminate('test over');
  });
});
