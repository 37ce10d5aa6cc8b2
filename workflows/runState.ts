import type { Starter } from '../lib/auth/runAuthority';
import type { MapSpec, PipelineSpec, JsonValue } from '../lib/dsl/spec';
import { MAP_ITEMS_LISTED, mapItemKey, type MapItemState, type MapItemStatus, type MapPlan, type MapProgress } from '../lib/runContract/map';
import { jsonBytes } from './jsonBytes';
import { OMITTED_OUTPUT, type RunSnapshot, type RunStatus, type StepError, type StepState } from '../lib/runContract/types';

export type OperatorDecision = 'retry' | 'skip' | 'approve' | 'reject';

/** The mutable state of one run: pure data and pure functions, so it is unit-testable and deterministic. */
export interface RunState {
  spec: PipelineSpec;
  trigger: string;
  logicalDate: string;
  steps: Map<string, StepState>;
  decisions: Map<string, Decision>;
  abortReason: string | null;
  finalStatus: RunStatus | null;
  rerunOf: string | null;
  startedBy: Starter | null;
  /** Each mapped step's items, by step name (see workflows/mapStep). */
  maps: Map<string, MapTracker>;
}

/** What the workflow knows of one map's items; the step's state shows it as a MapProgress. */
export interface MapTracker {
  plan: MapPlan;
  /** Items that have not succeeded, by index (waiting to start, in a batch, waiting for an operator, failed, skipped). */
  open: Map<number, MapItemState>;
  succeeded: number;
  /** Artifact URIs of the gathered outputs of succeeded items. */
  parts: string[];
  batches: { started: number; done: number; running: number };
}

/** An operator's decision on a step, as the update delivered it. */
export interface Decision {
  decision: OperatorDecision;
  reason: string;
  by: string | null;
  role?: 'viewer' | 'operator' | 'admin';
  signature?: string;
}

export function createRunState(spec: PipelineSpec, trigger: string, logicalDate: string, rerunOf: string | null = null, startedBy: Starter | null = null): RunState {
  const steps = new Map<string, StepState>();
  for (const step of spec.steps) {
    steps.set(step.name, {
      name: step.name,
      activity: step.activity,
      status: 'pending',
      round: 0,
      startedAt: null,
      finishedAt: null,
      error: null,
      output: null,
      operatorNotes: [],
      reusedFrom: null,
      ...(step.local ? { local: true } : {}),
    });
  }
  return { spec, trigger, logicalDate, steps, decisions: new Map(), abortReason: null, finalStatus: null, rerunOf, startedBy, maps: new Map() };
}

export function stepState(run: RunState, name: string): StepState {
  const state = run.steps.get(name);
  if (!state) throw new Error(`unknown step '${name}'`);
  return state;
}

/** The run's status as the search attribute CairnStatus shows it. */
export function runStatus(run: RunState): RunStatus {
  if (run.finalStatus) return run.finalStatus;
  // A step waiting for approval waits for an operator too: both count as runs awaiting an operator.
  for (const step of run.steps.values()) if (step.status === 'awaiting_operator' || step.status === 'awaiting_approval') return 'awaiting_operator';
  for (const map of run.maps.values()) if (awaitingItems(map).length > 0) return 'awaiting_operator';
  return 'running';
}

/** The items of a map that wait for an operator, by index. */
export function awaitingItems(map: MapTracker): number[] {
  return [...map.open.values()].filter((item) => item.status === 'awaiting_operator').map((item) => item.index);
}

/** The order items are listed in: what needs someone first. */
const LISTING_ORDER: Record<MapItemStatus, number> = { awaiting_operator: 0, failed: 1, skipped: 2, running: 3, pending: 4, cancelled: 5 };

/** Items counted but not listed one by one: they had no attention (yet), and a cancelled map would list every unstarted item. */
const UNLISTED: ReadonlySet<MapItemStatus> = new Set(['pending', 'cancelled']);

/** A map's progress as its step's state shows it: counts, and the items that need or had attention (at most MAP_ITEMS_LISTED). */
export function mapProgress(map: MapTracker, spec: MapSpec): MapProgress {
  const open = [...map.open.values()];
  const count = (status: MapItemStatus) => open.filter((item) => item.status === status).length;
  const notable = open.filter((item) => !UNLISTED.has(item.status)).sort((a, b) => LISTING_ORDER[a.status] - LISTING_ORDER[b.status] || a.index - b.index);
  return {
    total: map.plan.count,
    concurrency: spec.concurrency,
    minSuccess: spec.minSuccess,
    succeeded: map.succeeded,
    failed: count('failed'),
    skipped: count('skipped'),
    cancelled: count('cancelled'),
    awaitingOperator: count('awaiting_operator'),
    inFlight: count('running'),
    batches: { done: map.batches.done, running: map.batches.running },
    items: notable.slice(0, MAP_ITEMS_LISTED).map((item) => ({ ...item, operatorNotes: [...item.operatorNotes] })),
    itemsNotListed: Math.max(0, notable.length - MAP_ITEMS_LISTED),
  };
}

/**
 * How a run that ends before its steps do (cancelled, or aborted by an operator) leaves them, so its
 * final state shows nothing still waiting or running: a step or map item that had failed and waited
 * for an operator failed with the run; one that ran or had yet to run was cancelled. A step waiting
 * for approval fails with an aborted run (the operator decided against the run) and is cancelled
 * with a cancelled one.
 */
export function settleEndedRun(run: RunState, ending: 'aborted' | 'cancelled'): void {
  for (const step of run.steps.values()) {
    if (step.status === 'awaiting_operator') step.status = 'failed';
    else if (step.status === 'awaiting_approval') step.status = ending === 'aborted' ? 'failed' : 'cancelled';
    else if (step.status === 'running' || step.status === 'pending') step.status = 'cancelled';
  }
  for (const [name, tracker] of run.maps) {
    for (const item of tracker.open.values()) {
      if (item.status === 'awaiting_operator') item.status = 'failed';
      else if (item.status === 'running' || item.status === 'pending') item.status = 'cancelled';
    }
    const step = run.steps.get(name);
    const map = run.spec.steps.find((s) => s.name === name)?.map;
    if (step && map) step.map = mapProgress(tracker, map);
  }
}

export function snapshot(run: RunState): RunSnapshot {
  return {
    pipeline: run.spec.pipeline,
    specHash: run.spec.hash,
    trigger: run.trigger,
    logicalDate: run.logicalDate,
    status: runStatus(run),
    steps: [...run.steps.values()].map((s) => ({ ...s, operatorNotes: [...s.operatorNotes] })),
    abortReason: run.abortReason,
    rerunOf: run.rerunOf,
    startedBy: run.startedBy,
  };
}

/** What stands in for an output left out of a snapshot to keep it under a payload limit: its size in bytes. */

/**
 * The snapshot, with the largest outputs replaced by `{ $cairnOutputOmitted: <bytes> }` until its JSON
 * fits in `maxBytes`: a query answer or a memo over Temporal's payload limit would fail outright.
 * Outputs over 32 KiB already travel as small references, so this only bites on many mid-sized ones.
 */
export function boundedSnapshot(run: RunState, maxBytes: number): RunSnapshot {
  const state = snapshot(run);
  let size = jsonBytes(state);
  if (size <= maxBytes) return state;
  const bySize = state.steps.map((step) => ({ step, bytes: jsonBytes(step.output) })).sort((a, b) => b.bytes - a.bytes);
  for (const { step, bytes } of bySize) {
    if (size <= maxBytes) break;
    step.output = { [OMITTED_OUTPUT]: bytes };
    size -= bytes;
  }
  return state;
}

export function markRunning(state: StepState, now: Date): void {
  state.status = 'running';
  state.round += 1;
  state.startedAt = now.toISOString();
  state.finishedAt = null;
  state.error = null;
}

export function markSucceeded(state: StepState, output: JsonValue | null, now: Date): void {
  state.status = 'succeeded';
  state.output = output;
  state.finishedAt = now.toISOString();
}

export function markFailed(state: StepState, error: StepError, now: Date, awaitOperator: boolean): void {
  state.status = awaitOperator ? 'awaiting_operator' : 'failed';
  state.error = error;
  state.finishedAt = now.toISOString();
}

/** A step that succeeded without executing: its output was taken from an earlier run. */
function markTaken(state: StepState, output: JsonValue | null, now: Date): void {
  state.status = 'succeeded';
  state.output = output;
  state.startedAt = now.toISOString();
  state.finishedAt = now.toISOString();
}

/** A re-run's step upstream of where it starts again: its output is the earlier run's. */
export function markReused(state: StepState, output: JsonValue | null, fromRun: string, now: Date): void {
  markTaken(state, output, now);
  state.reusedFrom = fromRun;
}

/** A cacheable step whose output came from the step cache: it succeeded without executing. */
export function markCached(state: StepState, output: JsonValue | null, fromRun: string, now: Date): void {
  markTaken(state, output, now);
  state.cachedFrom = fromRun;
}

export function markSkipped(state: StepState, note: string, now: Date): void {
  state.status = 'skipped';
  state.operatorNotes.push(note);
  state.finishedAt = now.toISOString();
}

function assertKnownStep(run: RunState, step: unknown): asserts step is string {
  if (typeof step !== 'string' || !run.steps.has(step)) throw new Error(`run has no step '${String(step)}'; steps: ${[...run.steps.keys()].join(', ')}`);
}

const WAITING_FOR = { awaiting_operator: 'awaiting an operator', awaiting_approval: 'awaiting approval' } as const;

/**
 * Checks that a decision on `step` may be taken now (it is in `status` and has no decision yet);
 * throws (rejecting the Update before it is written to history) with a message the CLI shows as is.
 */
function assertWaiting(run: RunState, step: unknown, status: keyof typeof WAITING_FOR): void {
  assertKnownStep(run, step);
  const state = stepState(run, step);
  if (state.status !== status) throw new Error(`step '${step}' is ${state.status}, not ${WAITING_FOR[status]}`);
  if (run.decisions.has(step)) throw new Error(`step '${step}' already has a decision`);
}

/** For retryStep / skipStep: the step, or with `item` one item of its map, awaits an operator. */
export function assertAwaitingOperator(run: RunState, step: unknown, item?: unknown): void {
  if (item === undefined) {
    assertWaiting(run, step, 'awaiting_operator');
    return;
  }
  assertKnownStep(run, step);
  const map = run.maps.get(step);
  if (!map) throw new Error(`step '${step}' is not a map (or has not planned its items yet): act on the step itself, without an item`);
  if (typeof item !== 'number' || !Number.isInteger(item) || item < 0 || item >= map.plan.count) {
    throw new Error(`step '${step}' has no item ${String(item)}: its items are 0 to ${map.plan.count - 1}`);
  }
  const state = map.open.get(item);
  if (state?.status !== 'awaiting_operator') throw new Error(`item ${item} of step '${step}' is ${state?.status ?? 'succeeded'}, not awaiting an operator`);
  if (run.decisions.has(mapItemKey(step, item))) throw new Error(`item ${item} of step '${step}' already has a decision`);
}

/** For approveStep / rejectStep: approvals are per step, never per item. */
export function assertAwaitingApproval(run: RunState, step: unknown, item?: unknown): void {
  if (item !== undefined) throw new Error('an approval is for a whole step: leave out the item');
  assertWaiting(run, step, 'awaiting_approval');
}

export function assertRunOpen(run: RunState): void {
  if (run.finalStatus) throw new Error(`run is already ${run.finalStatus}`);
  if (run.abortReason !== null) throw new Error('run is already being aborted');
}

/** An operator's decision as the step's (or item's) notes keep it: `retry by alice: flaky disk`. */
export function operatorNote(verb: string, by: string | null | undefined, reason: string | null | undefined): string {
  return `${verb} by ${by ?? 'operator'}${reason ? `: ${reason}` : ''}`;
}
