import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createActivities } from '../../activities';
import { definePipeline, defineRegistry } from '../../lib/dsl';
import { HISTORY_EVENT_LIMIT, MAX_STEPS_PER_RUN, WORST_EVENTS_PER_STEP } from '../../lib/dsl/historyBudget';
import { startRun } from '../../lib/runs/startRun';
import { scratchServices } from '../../lib/services';
import { connectTestEnv, startTestWorker, type RunningWorker } from '../helpers/temporal';

// Promised (README, "How big a run can be"): the step limit compile() enforces keeps a run's history
// under Temporal's event limit. Checked against real histories: the events a run writes per step,
// sequential and parallel, regular and light, must stay within the per-step budget the limit assumes.
let env: TestWorkflowEnvironment;
let worker: RunningWorker;

beforeAll(async () => {
  env = await connectTestEnv();
  worker = await startTestWorker(env, createActivities(defineRegistry({ pipelines: [] }), scratchServices()));
});
afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
});

const STEPS = 40;
const shapes = {
  'sequential regular': (i: number) => ({ name: `s${i}`, activity: 'noop' as const, light: false, after: i === 0 ? [] : [`s${i - 1}`] }),
  'parallel regular': (i: number) => ({ name: `s${i}`, activity: 'noop' as const, light: false, after: [] }),
  'sequential light': (i: number) => ({ name: `s${i}`, activity: 'noop' as const, after: i === 0 ? [] : [`s${i - 1}`] }),
};

describe("a run's history stays within Temporal's limits", () => {
  for (const [shape, step] of Object.entries(shapes)) {
    it(`writes at most ${WORST_EVENTS_PER_STEP} events per step: ${shape}`, async () => {
      const pipeline = definePipeline({ id: `budget-${shape.replace(' ', '-')}`, params: z.object({}), steps: Array.from({ length: STEPS }, (_, i) => step(i)) });
      const run = await startRun(env.client, { pipeline, trigger: 'test', taskQueue: worker.taskQueue });
      expect((await run.handle.result()).status).toBe('succeeded');
      const events = (await run.handle.fetchHistory()).events?.length ?? 0;
      const perStep = events / STEPS;
      console.log(`${shape}: ${events} events for ${STEPS} steps, ${perStep.toFixed(2)} per step`);
      expect(perStep).toBeLessThanOrEqual(WORST_EVENTS_PER_STEP);
    });
  }

  it("writes no retry settings Temporal would never use into a regular step's scheduled events", async () => {
    // The workflow counts a step's attempts and classifies its failures itself: each execution is one
    // activity attempt, so the backoff and the non-retryable types would be bytes in every event.
    const pipeline = definePipeline({
      id: 'budget-retry-settings',
      params: z.object({}),
      steps: [0, 1, 2].map((i) => ({ ...shapes['sequential regular'](i), retry: { attempts: 4, backoff: { initial: 10 } } })),
    });
    const run = await startRun(env.client, { pipeline, trigger: 'test', taskQueue: worker.taskQueue });
    expect((await run.handle.result()).status).toBe('succeeded');
    const scheduled = ((await run.handle.fetchHistory()).events ?? []).flatMap((event) => (event.activityTaskScheduledEventAttributes ? [event.activityTaskScheduledEventAttributes] : []));
    expect(scheduled).toHaveLength(3);
    for (const attributes of scheduled) {
      expect(attributes.retryPolicy?.maximumAttempts).toBe(1);
      expect(attributes.retryPolicy?.nonRetryableErrorTypes ?? []).toEqual([]);
    }
  });

  it('the step limit leaves room for every step to be retried twice', () => {
    expect(MAX_STEPS_PER_RUN * WORST_EVENTS_PER_STEP * 3).toBeLessThan(HISTORY_EVENT_LIMIT);
  });
});
