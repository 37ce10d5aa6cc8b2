import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { toActivity, type StepActivity } from '../../activities/stepActivity';
import { defineStep } from '../../lib/dsl';
import { DataError } from '../../lib/errors';
import { scratchServices } from '../../lib/services';

export interface StepEvent {
  step: string;
  event: 'start' | 'end' | 'fail' | 'cancelled';
  at: number;
  attempt: number;
}

/**
 * In-process test steps that record what really happened, so tests assert on observed order,
 * overlap and attempts instead of on what the workflow claims.
 */
export function recordingSteps() {
  const events: StepEvent[] = [];
  /** Per step name: how many more executions fail before one succeeds. */
  const failuresLeft = new Map<string, number>();
  const record = (step: string, event: StepEvent['event'], attempt: number) => events.push({ step, event, at: performance.now(), attempt });

  const work = defineStep({
    name: 'test-work',
    config: z.object({ ms: z.number().default(0) }),
    run: async ({ run, config, upstream }, { signal, attempt }) => {
      record(run.step, 'start', attempt);
      try {
        if (config.ms > 0) await delay(config.ms, undefined, { signal });
      } catch (error) {
        record(run.step, 'cancelled', attempt);
        throw error;
      }
      const left = failuresLeft.get(run.step) ?? 0;
      if (left > 0) {
        failuresLeft.set(run.step, left - 1);
        record(run.step, 'fail', attempt);
        throw new Error(`${run.step} failed on purpose (${left - 1} failures left)`);
      }
      record(run.step, 'end', attempt);
      return { step: run.step, upstream };
    },
  });

  const badData = defineStep({
    name: 'test-bad-data',
    run: ({ run }, { attempt }) => {
      record(run.step, 'fail', attempt);
      throw new DataError(`row 7: column 'age' is -3, below min 0`);
    },
  });

  const services = scratchServices();
  const activities: Record<string, StepActivity> = { [work.name]: toActivity(work, services), [badData.name]: toActivity(badData, services) };
  return {
    work,
    badData,
    activities,
    events,
    failuresLeft,
    of: (step: string, event?: StepEvent['event']) => events.filter((e) => e.step === step && (!event || e.event === event)),
    first: (step: string, event: StepEvent['event']) => {
      const found = events.find((e) => e.step === step && e.event === event);
      if (!found) throw new Error(`no ${event} event for ${step}; events: ${JSON.stringify(events)}`);
      return found.at;
    },
  };
}
