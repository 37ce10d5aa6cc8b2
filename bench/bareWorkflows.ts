// Workflows for the step-overhead benchmark: Cairn's runPipeline beside the baseline, a minimal
// hand-written workflow that runs the same number of no-op activities one after another.
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';

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
