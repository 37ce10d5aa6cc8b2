// Workflows for the step-overhead benchmark: Cairn's runPipeline beside the baseline, a minimal
// hand-written workflow that runs the same number of no-op activities one after another.
import { proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { JsonValue } from '../lib/dsl/spec';
import type { RunContext, StepInput } from '../lib/dsl/stepIo';

export { runPipeline } from '../workflows/runPipeline';

const { bareNoop } = proxyActivities<{ bareNoop(): Promise<null> }>({ startToCloseTimeout: '1 minute' });

export async function bareChain(steps: number): Promise<number> {
  for (let i = 0; i < steps; i++) await bareNoop();
  return steps;
}

// The baseline of light steps: the same chain of local activities.
const local = proxyLocalActivities<{ bareNoop(): Promise<null> }>({ startToCloseTimeout: '1 minute' });

export async function bareLocalChain(steps: number): Promise<number> {
  for (let i = 0; i < steps; i++) await local.bareNoop();
  return steps;
}

/**
 * The hand-written workflow doing what a Cairn run does per step: a loop running Cairn's own `noop`
 * step activity with the input Cairn gives a step (the run's context, the step's config, its upstream
 * step's output), as activities or, for light steps, local activities. What is left between it and
 * Cairn is Cairn's orchestration: its run state, scheduling and step bookkeeping.
 */
export async function sameWorkChain(steps: number, light: boolean, context: Omit<RunContext, 'step' | 'temporalRunId'>): Promise<number> {
  const run = light ? localStep.noop : remoteStep.noop;
  const temporalRunId = workflowInfo().runId;
  let previous: JsonValue = null;
  for (let i = 0; i < steps; i++) {
    const step: StepInput = { run: { ...context, temporalRunId, step: `s${i}` }, config: {}, upstream: i === 0 ? {} : { [`s${i - 1}`]: previous } };
    previous = await run(step);
  }
  return steps;
}
const remoteStep = proxyActivities<{ noop(input: StepInput): Promise<JsonValue> }>({ startToCloseTimeout: '1 minute' });
const localStep = proxyLocalActivities<{ noop(input: StepInput): Promise<JsonValue> }>({ startToCloseTimeout: '1 minute' });

// The baseline of a fan-out: n no-op activities at once, then one more.
export async function bareFanOut(width: number): Promise<number> {
  await bareNoop();
  await Promise.all(Array.from({ length: width }, () => bareNoop()));
  await bareNoop();
  return width + 2;
}

// The baseline of a dynamic map: one workflow running `items` no-op activities, `concurrency` at a time.
export { runMapBatch } from '../workflows/mapBatch';

export async function bareMap(items: number, concurrency: number): Promise<number> {
  let next = 0;
  const lane = async () => {
    while (next < items) {
      next += 1;
      await bareNoop();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items) }, lane));
  return items;
}
