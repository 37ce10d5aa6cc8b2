import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compile, definePipeline, defineStep } from '../../lib/dsl';
import type { MapItemStatus } from '../../lib/runContract/map';
import type { StepStatus } from '../../lib/runContract/types';
import { createRunState, settleEndedRun, snapshot, type MapTracker } from '../../workflows/runState';

// A run that is cancelled or aborted must not go on saying that something waits for an operator or
// runs: its final state is what the pages, `cairn status` and the API show for good.
const work = defineStep({ name: 'unit-ended-work', run: () => null });
const statuses: StepStatus[] = ['pending', 'awaiting_approval', 'running', 'awaiting_operator', 'succeeded', 'failed', 'skipped', 'cancelled'];

// What each step status becomes, written out independently of the code: [before, after a cancel, after an abort].
const STEP_TABLE: [StepStatus, StepStatus, StepStatus][] = [
  ['pending', 'cancelled', 'cancelled'],
  ['awaiting_approval', 'cancelled', 'failed'],
  ['running', 'cancelled', 'cancelled'],
  ['awaiting_operator', 'failed', 'failed'],
  ['succeeded', 'succeeded', 'succeeded'],
  ['failed', 'failed', 'failed'],
  ['skipped', 'skipped', 'skipped'],
  ['cancelled', 'cancelled', 'cancelled'],
];

const ITEM_TABLE: [MapItemStatus, MapItemStatus][] = [
  ['pending', 'cancelled'],
  ['running', 'cancelled'],
  ['awaiting_operator', 'failed'],
  ['failed', 'failed'],
  ['skipped', 'skipped'],
];

function runWithEveryStatus() {
  const pipeline = definePipeline({
    id: 'unit-ended',
    params: z.object({}),
    steps: Object.fromEntries(statuses.map((status) => [status, { activity: work }])) as never,
  });
  const run = createRunState(compile(pipeline).spec, 'test', '2026-01-01T00:00:00Z');
  for (const status of statuses) run.steps.get(status)!.status = status;
  return run;
}

function mappedRun() {
  const pipeline = definePipeline({
    id: 'unit-ended-map',
    params: z.object({ xs: z.array(z.number()).default([]) }),
    steps: { each: { activity: work, map: { over: { param: 'xs' }, concurrency: 4 } } },
  });
  const run = createRunState(compile(pipeline).spec, 'test', '2026-01-01T00:00:00Z');
  // Six items: one succeeded (it left the open set), one in each other state.
  const open = new Map(ITEM_TABLE.map(([status], i) => [i + 1, { index: i + 1, status, round: 1, error: null, operatorNotes: [] }]));
  const tracker: MapTracker = { plan: { count: 6, list: 'cas://list', batchSize: 200 }, open, succeeded: 1, parts: [], batches: { started: 1, done: 0, running: 1 } };
  run.maps.set('each', tracker);
  run.steps.get('each')!.status = 'running';
  return run;
}

describe('a run that ends before its steps do', () => {
  it.each([
    ['cancelled', 1],
    ['aborted', 2],
  ] as const)('leaves no step waiting or running when it is %s', (ending, column) => {
    const run = runWithEveryStatus();
    settleEndedRun(run, ending);
    for (const row of STEP_TABLE) expect([row[0], run.steps.get(row[0])!.status]).toEqual([row[0], row[column]]);
  });

  it.each(['cancelled', 'aborted'] as const)("settles a map's items when the run is %s, and its counts say so", (ending) => {
    const run = mappedRun();
    settleEndedRun(run, ending);
    const state = snapshot(run).steps[0]!;
    expect(state.status).toBe('cancelled');
    const byIndex = new Map(run.maps.get('each')!.open);
    ITEM_TABLE.forEach(([before, after], i) => expect([before, byIndex.get(i + 1)!.status]).toEqual([before, after]));
    expect(state.map).toMatchObject({ total: 6, succeeded: 1, awaitingOperator: 0, inFlight: 0, failed: 2, skipped: 1, cancelled: 2 });
    // Listed one by one: what had attention (the failed and the skipped), not every item that never ran.
    expect(state.map!.items.map((item) => item.status)).toEqual(['failed', 'failed', 'skipped']);
  });
});
