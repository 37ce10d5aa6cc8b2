import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createActivities } from '../../activities';
import { compile, definePipeline, defineRegistry, remoteStep } from '../../lib/dsl';
import { retryStepUpdate, runStateQuery } from '../../lib/runContract/messages';
import { startRun } from '../../lib/runs/startRun';
import { scratchServices } from '../../lib/services';
import { recordingSteps } from '../helpers/recordingSteps';
import { connectTestEnv, startTestWorker, type RunningWorker } from '../helpers/temporal';
import { waitFor } from '../helpers/waitFor';

// Promised (README, step options): a light step (`light: true`, and the built-in noop by default)
// runs as a Temporal local activity in the workflow's own worker (a marker in the history, no
// activity task), is shown as such in the run's state, and keeps the same attempts and operator
// actions as any step. A light step cannot name a queue or be a remoteStep.
const EventType = temporal.api.enums.v1.EventType;
let env: TestWorkflowEnvironment;
let worker: RunningWorker;
const steps = recordingSteps();

const pipeline = definePipeline({
  id: 'light-chain',
  params: z.object({}),
  steps: {
    start: { activity: 'noop' },
    quick: { activity: steps.work, after: ['start'], config: { ms: 0 }, light: true, retry: { attempts: 1 } },
    regular: { activity: steps.work, after: ['quick'], config: { ms: 0 } },
  },
});

beforeAll(async () => {
  env = await connectTestEnv();
  worker = await startTestWorker(env, { ...createActivities(defineRegistry({ pipelines: [] }), scratchServices()), ...steps.activities });
});
afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
});
beforeEach(() => steps.failuresLeft.clear());

const start = () => startRun(env.client, { pipeline, trigger: 'test', taskQueue: worker.taskQueue });
const eventsOf = async (handle: Awaited<ReturnType<typeof start>>['handle'], type: number) =>
  ((await handle.fetchHistory()).events ?? []).filter((e) => e.eventType === type).length;
/** Local activities are recorded as markers of this name (the SDK records other markers too, such as patches). */
const localActivityMarkers = async (handle: Awaited<ReturnType<typeof start>>['handle']) =>
  ((await handle.fetchHistory()).events ?? []).filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity').length;

describe('light steps', () => {
  it('run as local activities, shown as such, beside a regular step', async () => {
    const run = await start();
    const result = await run.handle.result();
    expect(result.status).toBe('succeeded');
    const state = await run.handle.query(runStateQuery);
    expect(state.steps.map((s) => [s.name, s.status, s.local ?? false])).toEqual([
      ['start', 'succeeded', true],
      ['quick', 'succeeded', true],
      ['regular', 'succeeded', false],
    ]);
    // Only the regular step is an activity task; the two light ones are markers of the workflow task.
    expect(await eventsOf(run.handle, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)).toBe(1);
    expect(await localActivityMarkers(run.handle)).toBe(2);
  });

  it('wait for an operator when they fail for good, and run again when retried', async () => {
    steps.failuresLeft.set('quick', 1);
    const startsBefore = steps.of('quick', 'start').length;
    const run = await start();
    await waitFor(async () => (await run.handle.query(runStateQuery)).steps.find((s) => s.name === 'quick')?.status === 'awaiting_operator', 'the light step to await an operator');
    const waiting = (await run.handle.query(runStateQuery)).steps.find((s) => s.name === 'quick');
    expect(waiting?.error?.message).toMatch(/quick failed on purpose/);
    await run.handle.executeUpdate(retryStepUpdate, { args: [{ step: 'quick', reason: 'fixed' }] });
    expect((await run.handle.result()).status).toBe('succeeded');
    expect(steps.of('quick', 'start').length - startsBefore).toBe(2); // the failed execution, then the operator's retry
  });

  it('refuses a light step that names a queue or is another worker’s', () => {
    const queued = definePipeline({ id: 'light-queue', params: z.object({}), steps: { s: { activity: steps.work, light: true, queue: 'gpu' } } });
    expect(() => compile(queued, {})).toThrow(/step 's': a light step runs in the workflow's own worker, so it cannot name a queue \('gpu'\)/);
    const remote = definePipeline({ id: 'light-remote', params: z.object({}), steps: { s: { activity: remoteStep('fit-elsewhere'), light: true } } });
    expect(() => compile(remote, {})).toThrow(/cannot be a remoteStep/);
    // A noop on a queue of its own stays a regular step.
    const noopOnQueue = definePipeline({ id: 'noop-queue', params: z.object({}), steps: { s: { activity: 'noop', queue: 'gpu' } } });
    expect(compile(noopOnQueue, {}).spec.steps[0]?.local).toBeUndefined();
  });
});
