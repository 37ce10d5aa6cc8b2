import type { Client } from '@temporalio/client';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { definePipeline, remoteStep } from '../../lib/dsl';
import type { Pipeline } from '../../lib/dsl/definePipeline';
import { ParamsError } from '../../lib/errors';
import { startRun } from '../../lib/runs/startRun';
import { CAIRN_STATUS } from '../../lib/searchAttributes';
import { abortRunUpdate, retryStepUpdate, runStateQuery, skipStepUpdate } from '../../lib/runContract/messages';
import { recordingSteps } from '../helpers/recordingSteps';
import { connectTestEnv, startTestWorker, type RunningWorker } from '../helpers/temporal';
import { waitFor } from '../helpers/waitFor';

const noParams = z.object({});
let env: TestWorkflowEnvironment;
let client: Client;
let worker: RunningWorker;
let steps: ReturnType<typeof recordingSteps>;

beforeAll(async () => {
  env = await connectTestEnv();
  client = env.client;
  steps = recordingSteps();
  worker = await startTestWorker(env, steps.activities);
});
afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
});
beforeEach(() => {
  steps.events.length = 0;
  steps.failuresLeft.clear();
});

const start = (pipeline: Pipeline, params: unknown = {}) =>
  startRun(client, { pipeline, params, trigger: 'test', taskQueue: worker.taskQueue });

async function cairnStatus(runId: string): Promise<string | undefined> {
  const description = await client.workflow.getHandle(runId).describe();
  return description.typedSearchAttributes.get(CAIRN_STATUS);
}

const work = <const A extends string = never>(after: readonly A[] = [], ms = 0, extra: object = {}) => ({
  activity: remoteStep('test-work'),
  after,
  config: { ms },
  ...extra,
});
const fastRetry = { attempts: 1 };

describe('runPipeline on a real Temporal server', () => {
  it('runs a linear pipeline in order and passes outputs downstream', async () => {
    const pipeline = definePipeline({
      id: 'linear',
      params: noParams,
      steps: { a: work(), b: work(['a']), c: work(['b']) },
    });
    const run = await start(pipeline);
    const result = await run.handle.result();
    expect(result.status).toBe('succeeded');
    expect(steps.events.filter((e) => e.event === 'start').map((e) => e.step)).toEqual(['a', 'b', 'c']);
    expect(steps.first('b', 'start')).toBeGreaterThan(steps.first('a', 'end'));
    expect(result.outputs.c).toMatchObject({ step: 'c', upstream: { b: { step: 'b' } } });
    expect(await cairnStatus(run.runId)).toBe('succeeded');
  });

  it('runs the branches of a diamond in parallel and joins them', async () => {
    const pipeline = definePipeline({
      id: 'diamond',
      params: noParams,
      steps: { top: work(), left: work(['top'], 400), right: work(['top'], 400), bottom: work(['left', 'right']) },
    });
    const result = await (await start(pipeline)).handle.result();
    expect(result.status).toBe('succeeded');
    // Overlap: each branch started before the other ended.
    expect(steps.first('left', 'start')).toBeLessThan(steps.first('right', 'end'));
    expect(steps.first('right', 'start')).toBeLessThan(steps.first('left', 'end'));
    expect(steps.first('bottom', 'start')).toBeGreaterThan(Math.max(steps.first('left', 'end'), steps.first('right', 'end')));
    expect(result.outputs.bottom).toMatchObject({ upstream: { left: { step: 'left' }, right: { step: 'right' } } });
  });

  it('starts every branch of a wide fan-out at once', async () => {
    const branches = Array.from({ length: 10 }, (_, i) => ({ name: `branch${i}`, ...work(['source'], 500) }));
    const pipeline = definePipeline({
      id: 'wide',
      params: noParams,
      steps: [{ name: 'source', ...work() }, ...branches, { name: 'sink', ...work(branches.map((b) => b.name)) }],
    });
    const result = await (await start(pipeline)).handle.result();
    expect(result.status).toBe('succeeded');
    const lastStart = Math.max(...branches.map((b) => steps.first(b.name, 'start')));
    const firstEnd = Math.min(...branches.map((b) => steps.first(b.name, 'end')));
    expect(lastStart).toBeLessThan(firstEnd); // all ten were running together
    expect(steps.of('sink', 'start')).toHaveLength(1);
  });

  it('retries a step under its retry policy: fails twice, then succeeds', async () => {
    steps.failuresLeft.set('flaky', 2);
    const pipeline = definePipeline({
      id: 'flaky',
      params: noParams,
      steps: { flaky: work([], 0, { retry: { attempts: 3, backoff: { initial: '100ms', coefficient: 1 } } }) },
    });
    const result = await (await start(pipeline)).handle.result();
    expect(result.status).toBe('succeeded');
    expect(steps.of('flaky', 'start').map((e) => e.attempt)).toEqual([1, 2, 3]);
    expect(steps.of('flaky', 'fail')).toHaveLength(2);
    expect(steps.of('flaky', 'end')).toHaveLength(1);
  });

  it('waits for an operator when a step fails for good, and retryStep completes the run', async () => {
    steps.failuresLeft.set('load', 2);
    const pipeline = definePipeline({
      id: 'await-retry',
      params: noParams,
      steps: { load: work([], 0, { retry: { attempts: 2, backoff: { initial: '100ms' } } }), after: work(['load']) },
    });
    const run = await start(pipeline);
    await waitFor(async () => (await cairnStatus(run.runId)) === 'awaiting_operator', 'awaiting_operator');
    const state = await run.handle.query(runStateQuery);
    expect(state.status).toBe('awaiting_operator');
    expect(state.steps.find((s) => s.name === 'load')).toMatchObject({ status: 'awaiting_operator', error: { message: expect.stringContaining('failed on purpose') } });
    expect(state.steps.find((s) => s.name === 'after')?.status).toBe('pending');

    // An update naming a step that is not waiting is rejected, and changes nothing.
    await expect(run.handle.executeUpdate(retryStepUpdate, { args: [{ step: 'after' }] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/pending, not awaiting/) } });
    steps.failuresLeft.set('load', 0);
    const retried = await run.handle.executeUpdate(retryStepUpdate, { args: [{ step: 'load', reason: 'source fixed' }] });
    expect(retried.name).toBe('load');
    const result = await run.handle.result();
    expect(result.status).toBe('succeeded');
    expect(result.steps.find((s) => s.name === 'load')).toMatchObject({ round: 2, operatorNotes: ['retry by operator: source fixed'] });
    expect(steps.of('load', 'end')).toHaveLength(1);
    expect(steps.of('after', 'end')).toHaveLength(1);
    expect(await cairnStatus(run.runId)).toBe('succeeded');
  });

  it('sends a non-retryable data error straight to the operator, without retries', async () => {
    const pipeline = definePipeline({
      id: 'bad-data',
      params: noParams,
      steps: { validate: { activity: remoteStep('test-bad-data'), retry: { attempts: 5 } } },
    });
    const run = await start(pipeline);
    await waitFor(async () => (await cairnStatus(run.runId)) === 'awaiting_operator', 'awaiting_operator');
    const state = await run.handle.query(runStateQuery);
    expect(state.steps[0]).toMatchObject({ status: 'awaiting_operator', error: { type: 'DataError', nonRetryable: true } });
    expect(state.steps[0]?.error?.message).toContain("column 'age'");
    // Where the step's code threw travels with the error, so `cairn status` can show it without the worker's log.
    expect(state.steps[0]?.error?.stack).toMatch(/^at .*recordingSteps\.ts:\d+/);
    expect(steps.of('validate', 'fail')).toHaveLength(1); // no retries for bad data
    await run.handle.executeUpdate(abortRunUpdate, { args: [{ reason: 'bad export' }] });
    await expect(run.handle.result()).rejects.toThrow(WorkflowFailedError);
  });

  it('skips a failed step: downstream runs without its output, or is skipped, as the spec says', async () => {
    steps.failuresLeft.set('optional', 1);
    const pipeline = definePipeline({
      id: 'skip',
      params: noParams,
      steps: {
        optional: work([], 0, { retry: fastRetry }),
        tolerant: work(['optional']),
        strict: work(['optional'], 0, { whenUpstreamSkipped: 'skip' }),
        afterStrict: work(['strict'], 0, { whenUpstreamSkipped: 'skip' }),
      },
    });
    const run = await start(pipeline);
    await waitFor(async () => (await run.handle.query(runStateQuery)).status === 'awaiting_operator', 'awaiting_operator');
    await run.handle.executeUpdate(skipStepUpdate, { args: [{ step: 'optional', reason: 'not needed today' }] });
    const result = await run.handle.result();
    const byName = Object.fromEntries(result.steps.map((s) => [s.name, s.status]));
    expect(byName).toEqual({ optional: 'skipped', tolerant: 'succeeded', strict: 'skipped', afterStrict: 'skipped' });
    expect(result.outputs.tolerant).toMatchObject({ upstream: { optional: null } });
    expect(steps.of('strict')).toHaveLength(0);
  });

  it("runs a step with `when` only when its upstream step's output or a param says so, and says why it skipped one", async () => {
    const pipeline = definePipeline({
      id: 'conditions',
      params: z.object({ publish: z.boolean().default(false), env: z.string().default('dev') }),
      steps: {
        score: work(),
        // Params, as defaulted: publish is false, env is 'dev'.
        published: work([], 0, { when: { param: 'publish' } }),
        outsideProd: work([], 0, { when: { param: 'env', notEquals: 'prod' } }),
        // The work step's output is { step, upstream }: conditions on its fields, a whole output, a dotted path.
        ship: work(['score'], 0, { when: { step: 'score', field: 'step', equals: 'score' } }),
        hold: work(['score'], 0, { when: { step: 'score', field: 'step', equals: 'other' } }),
        afterHold: work(['hold'], 0, { whenUpstreamSkipped: 'skip' }),
        tolerant: work(['hold']),
        nested: work(['ship'], 0, { when: { step: 'ship', field: 'upstream.score.step', equals: 'score' } }),
        whole: work(['score'], 0, { when: { step: 'score', equals: { upstream: {}, step: 'score' } } }),
        promote: work(['score'], 0, { when: { step: 'score', field: 'promote' } }),
        unlessOther: work(['score'], 0, { when: { step: 'score', field: 'step', notEquals: 'other' } }),
        unlessScore: work(['score'], 0, { when: { step: 'score', field: 'step', notEquals: 'score' } }),
      },
    });
    const result = await (await start(pipeline)).handle.result();
    expect(result.status).toBe('succeeded');
    const byName = Object.fromEntries(result.steps.map((s) => [s.name, s.status]));
    expect(byName).toEqual({ score: 'succeeded', published: 'skipped', outsideProd: 'succeeded', ship: 'succeeded', hold: 'skipped', afterHold: 'skipped', tolerant: 'succeeded', nested: 'succeeded', whole: 'succeeded', promote: 'skipped', unlessOther: 'succeeded', unlessScore: 'skipped' });
    for (const name of ['hold', 'afterHold', 'promote', 'unlessScore']) expect(steps.of(name), name).toHaveLength(0);
    const notes = (name: string) => result.steps.find((s) => s.name === name)?.operatorNotes;
    expect(notes('hold')).toEqual(['skipped: step \'score\' gave step = "score"; this step runs when step is "other"']);
    expect(notes('afterHold')).toEqual(["skipped because upstream step 'hold' was skipped"]);
    expect(notes('published')).toEqual(['skipped: param publish is false; this step runs when it is true']);
    expect(notes('promote')).toEqual(['skipped: step \'score\' gave no \'promote\' (its output: {"step":"score","upstream":{}}); this step runs when promote is true']);
    expect(result.outputs.tolerant).toMatchObject({ upstream: { hold: null } });
  });

  it('aborts a run: running steps are cancelled and the run fails with the reason', async () => {
    const pipeline = definePipeline({
      id: 'abort',
      params: noParams,
      steps: { slow: work([], 30_000, { heartbeat: '2s' }), next: work(['slow']) },
    });
    const run = await start(pipeline);
    await waitFor(() => steps.of('slow', 'start').length > 0, 'slow step to start');
    await run.handle.executeUpdate(abortRunUpdate, { args: [{ reason: 'wrong dataset' }] });
    const error = await run.handle.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(String((error as WorkflowFailedError).cause?.message)).toContain('run aborted: wrong dataset');
    expect(steps.of('slow', 'cancelled')).toHaveLength(1);
    expect(steps.of('next')).toHaveLength(0);
    expect(await cairnStatus(run.runId)).toBe('failed');
  });

  it('cancels a run: the running step notices through its heartbeat and stops', async () => {
    const pipeline = definePipeline({
      id: 'cancel',
      params: noParams,
      steps: { slow: work([], 30_000, { heartbeat: '2s' }) },
    });
    const run = await start(pipeline);
    await waitFor(() => steps.of('slow', 'start').length > 0, 'slow step to start');
    const cancelledAt = performance.now();
    await run.handle.cancel();
    await expect(run.handle.result()).rejects.toThrow(WorkflowFailedError);
    expect(steps.of('slow', 'cancelled')).toHaveLength(1);
    expect(steps.first('slow', 'cancelled') - cancelledAt).toBeLessThan(5_000);
    expect((await run.handle.describe()).status.name).toBe('CANCELLED');
    expect(await cairnStatus(run.runId)).toBe('cancelled');
  });

  it('cancels a run waiting for an operator: the waiting step ends failed, the rest cancelled, nothing left waiting', async () => {
    steps.failuresLeft.set('broken', 1);
    const pipeline = definePipeline({
      id: 'cancel-waiting',
      params: noParams,
      steps: { broken: work([], 0, { retry: fastRetry }), slow: work([], 30_000, { heartbeat: '2s' }), after: work(['broken', 'slow']) },
    });
    const run = await start(pipeline);
    await waitFor(async () => (await cairnStatus(run.runId)) === 'awaiting_operator' && steps.of('slow', 'start').length > 0, 'broken awaiting an operator, slow running');
    await run.handle.cancel();
    await expect(run.handle.result()).rejects.toThrow(WorkflowFailedError);
    const final = await run.handle.query(runStateQuery);
    expect(final.status).toBe('cancelled');
    expect(Object.fromEntries(final.steps.map((s) => [s.name, s.status]))).toEqual({ broken: 'failed', slow: 'cancelled', after: 'cancelled' });
    expect(final.steps[0]?.error?.message).toBeTruthy();
    expect(await cairnStatus(run.runId)).toBe('cancelled');
  });

  it("fails at once when the pipeline chooses onFailure: 'fail'", async () => {
    steps.failuresLeft.set('once', 1);
    const pipeline = definePipeline({
      id: 'fail-fast',
      params: noParams,
      steps: { once: work([], 0, { retry: fastRetry }) },
      onFailure: { mode: 'fail' },
    });
    const run = await start(pipeline);
    const error = await run.handle.result().catch((e: unknown) => e);
    expect(String((error as WorkflowFailedError).cause?.message)).toContain("step 'once' failed");
    expect(await cairnStatus(run.runId)).toBe('failed');
  });

  it('fails the run when no operator acts within the operator timeout', async () => {
    steps.failuresLeft.set('ignored', 1);
    const pipeline = definePipeline({
      id: 'operator-timeout',
      params: noParams,
      steps: { ignored: work([], 0, { retry: fastRetry }) },
      onFailure: { operatorTimeout: '1s' },
    });
    const error = await (await start(pipeline)).handle.result().catch((e: unknown) => e);
    expect(String((error as WorkflowFailedError).cause?.message)).toMatch(/no operator retried or skipped it within 1 s/);
  });

  it('rejects params that the schema refuses, naming the field, and starts nothing', async () => {
    const pipeline = definePipeline({
      id: 'typed-params',
      params: z.object({ rows: z.number().int().min(1) }),
      steps: { a: work() },
    });
    const error = await start(pipeline, { rows: 'many' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParamsError);
    expect((error as ParamsError).issues[0]?.path).toBe('rows');
    expect(steps.events).toHaveLength(0);
  });
});
