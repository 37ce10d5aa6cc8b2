import { ApplicationFailure, condition, executeChild, isCancellation, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { JsonValue, StepSpec } from '../lib/dsl/spec';
import type { StepInput } from '../lib/dsl/stepIo';
import { batchLanes, chunked } from '../lib/map/batches';
import {
  MAP_BATCH_WORKFLOW,
  MAP_COLLECT_ACTIVITY,
  MAP_PLAN_ACTIVITY,
  MAX_PARALLEL_BATCHES,
  mapItemKey,
  type MapBatchInput,
  type MapBatchResult,
  type MapCollectRequest,
  type MapPlan,
  type MapPlanRequest,
} from '../lib/runContract/map';
import type { StepState } from '../lib/runContract/types';
import { announceFromRun } from './announceFromRun';
import { awaitingItems, mapProgress, operatorNote, type MapTracker, type RunState } from './runState';
import type { StepContext } from './runSteps';
import { describeFailure, RunAborted } from './stepFailure';

/** Planning hashes nothing but reads the list (an upstream output may be a stored artifact); collecting writes the results list. */
const mapBookkeeping = proxyLocalActivities<{
  [MAP_PLAN_ACTIVITY]: (request: MapPlanRequest) => Promise<MapPlan>;
  [MAP_COLLECT_ACTIVITY]: (request: MapCollectRequest) => Promise<JsonValue>;
}>({ startToCloseTimeout: '10 minutes', retry: { maximumAttempts: 5, nonRetryableErrorTypes: ['ConfigError'] } });

interface FinishedBatch {
  indices: number[];
  share: number;
  result?: MapBatchResult;
  error?: unknown;
}

/**
 * Runs a mapped step: plans its items once, runs them in batches (child workflows) within the map's
 * concurrency, lets an operator retry or skip each item that failed for good, and returns the list
 * artifact of every item's result. A later round of the step (an operator retried the whole step)
 * runs again only the items that did not succeed.
 */
export async function runMap(run: RunState, step: StepSpec, state: StepState, input: StepInput, context: StepContext, publishStatus: () => void): Promise<JsonValue> {
  const map = step.map as NonNullable<StepSpec['map']>;
  const path = input.run.step;
  const tracker = await trackerFor(run, step, input, context);
  for (const item of tracker.open.values()) if (item.status === 'failed' || item.status === 'skipped') item.status = 'pending';

  const awaitOperator = run.spec.onFailure.mode === 'await_operator';
  const pending = [...tracker.open.values()].filter((item) => item.status === 'pending').map((item) => item.index).sort((a, b) => a - b);
  const queue = chunked(pending, tracker.plan.batchSize);
  const { share } = batchLanes(map.concurrency, queue.length);
  const finished: FinishedBatch[] = [];
  let free = map.concurrency;
  const show = () => {
    state.map = mapProgress(tracker, map);
    publishStatus();
  };

  const start = (indices: number[]) => {
    const given = Math.min(free, share, indices.length);
    free -= given;
    tracker.batches.running += 1;
    const rounds = indices.map((index) => {
      const item = tracker.open.get(index);
      if (!item) return 1;
      item.status = 'running';
      item.round += 1;
      return item.round;
    });
    const batch: MapBatchInput = {
      runId: context.runId,
      temporalRunId: context.temporalRunId,
      pipeline: run.spec.pipeline,
      specHash: run.spec.hash,
      trigger: run.trigger,
      logicalDate: run.logicalDate,
      params: paramsForItems(context.params, map.over, tracker.plan.count),
      ...(run.startedBy ? { startedBy: run.startedBy } : {}),
      ...(context.signatures ? { signatures: context.signatures } : {}),
      cache: context.cache,
      step,
      path,
      // Inside a batch an item that fails for good is reported, not held: the operator acts here.
      onFailure: { ...run.spec.onFailure, mode: 'fail' },
      list: tracker.plan.list,
      indices,
      rounds,
      concurrency: given,
      upstream: input.upstream,
    };
    const itemTag = context.item ? `${context.item.index}.${context.item.round}:` : '';
    const workflowId = `${workflowInfo().workflowId}:map:${itemTag}${path}:${tracker.batches.started++}`;
    // No staticSummary: Temporal's time-skipping test server hangs on child starts with user metadata.
    executeChild(MAP_BATCH_WORKFLOW, { workflowId, args: [batch] }).then(
      (result) => void finished.push({ indices, share: given, result: result as MapBatchResult }),
      (error: unknown) => void finished.push({ indices, share: given, error }),
    );
  };

  const newlyWaiting: number[] = [];
  for (;;) {
    while (queue.length > 0 && tracker.batches.running < MAX_PARALLEL_BATCHES && free >= Math.min(share, (queue[0] as number[]).length)) start(queue.shift() as number[]);
    show();
    if (newlyWaiting.length > 0) await announceWaitingItems(run, path, context, newlyWaiting.splice(0), tracker);
    const waiting = awaitingItems(tracker);
    if (tracker.batches.running === 0 && queue.length === 0 && waiting.length === 0) break;
    const hasDecision = () => waiting.some((index) => run.decisions.has(mapItemKey(step.name, index)));
    const woke = () => finished.length > 0 || hasDecision() || run.abortReason !== null;
    // With nothing running, the map only waits for operators, as long as a failed step would.
    const decided = tracker.batches.running > 0 ? (await condition(woke), true) : await condition(woke, run.spec.onFailure.operatorTimeoutMs);
    if (run.abortReason !== null) throw new RunAborted(run.abortReason);
    if (!decided) giveUpWaiting(tracker, waiting, run.spec.onFailure.operatorTimeoutMs);
    for (const batch of finished.splice(0)) {
      free += batch.share;
      tracker.batches.running -= 1;
      tracker.batches.done += 1;
      newlyWaiting.push(...settleBatch(tracker, batch, awaitOperator));
    }
    for (const index of waiting) {
      const key = mapItemKey(step.name, index);
      const decision = run.decisions.get(key);
      const item = tracker.open.get(index);
      if (!decision || !item) continue;
      run.decisions.delete(key);
      const note = operatorNote(decision.decision, decision.by, decision.reason);
      item.operatorNotes.push(note);
      if (decision.decision === 'skip') item.status = 'skipped';
      else {
        item.status = 'pending';
        queue.push([index]);
      }
    }
  }

  const needed = Math.ceil(map.minSuccess * tracker.plan.count - 1e-9);
  if (tracker.succeeded < needed) {
    const missing = [...tracker.open.values()].sort((a, b) => a.index - b.index);
    const named = missing.slice(0, 10).map((item) => `${item.index} (${item.status}${item.error ? `: ${item.error.message}` : ''})`);
    throw ApplicationFailure.nonRetryable(
      `${missing.length} of ${tracker.plan.count} items did not succeed, and min-success ${map.minSuccess} needs ${needed}: items ${named.join('; ')}${missing.length > 10 ? `; and ${missing.length - 10} more` : ''}. Retrying the step runs only these items again.`,
      'MapBelowMinSuccess',
    );
  }
  return mapBookkeeping[MAP_COLLECT_ACTIVITY]({ count: tracker.plan.count, parts: tracker.parts });
}

/** The map's tracker: planned on the step's first round (the list read and stored once), kept for later rounds. */
async function trackerFor(run: RunState, step: StepSpec, input: StepInput, context: StepContext): Promise<MapTracker> {
  const known = run.maps.get(step.name);
  if (known) return known;
  const map = step.map as NonNullable<StepSpec['map']>;
  const over = map.over;
  const source: Pick<MapPlanRequest, 'describe' | 'source' | 'field'> =
    'items' in over
      ? { describe: 'the items the definition lists', source: over.items }
      : 'param' in over
        ? { describe: `param '${over.param}'`, source: context.params[over.param] ?? null }
        : { describe: `upstream step '${over.step}'${over.field ? ` (field '${over.field}')` : ''}`, source: input.upstream[over.step] ?? null, ...(over.field ? { field: over.field } : {}) };
  const plan = await mapBookkeeping[MAP_PLAN_ACTIVITY]({ ...source, unitSteps: map.steps?.length ?? 1, concurrency: map.concurrency });
  const open = new Map(Array.from({ length: plan.count }, (_, index) => [index, { index, status: 'pending' as const, round: 0, error: null, operatorNotes: [] }]));
  const tracker: MapTracker = { plan, open, succeeded: 0, parts: [], batches: { started: 0, done: 0, running: 0 } };
  run.maps.set(step.name, tracker);
  return tracker;
}

/** Records a finished batch: its succeeded items leave the open set, its failed ones wait for an operator (or fail). Returns the items now waiting. */
function settleBatch(tracker: MapTracker, batch: FinishedBatch, awaitOperator: boolean): number[] {
  const failStatus = awaitOperator ? ('awaiting_operator' as const) : ('failed' as const);
  if (batch.error !== undefined) {
    if (isCancellation(batch.error)) throw batch.error;
    // The batch's workflow itself failed (its items could not be read, say): each of its items failed with that.
    const error = describeFailure(batch.error);
    for (const index of batch.indices) {
      const item = tracker.open.get(index);
      if (item) Object.assign(item, { status: failStatus, error });
    }
    return awaitOperator ? batch.indices : [];
  }
  const result = batch.result as MapBatchResult;
  for (const index of result.succeeded) {
    if (tracker.open.delete(index)) tracker.succeeded += 1;
  }
  tracker.parts.push(...result.parts);
  for (const { index, error } of result.failed) {
    const item = tracker.open.get(index);
    if (item) Object.assign(item, { status: failStatus, error });
  }
  return awaitOperator ? result.failed.map((f) => f.index) : [];
}

/** Items nobody decided on within the operator timeout fail for good. */
function giveUpWaiting(tracker: MapTracker, waiting: number[], timeoutMs: number): void {
  for (const index of waiting) {
    const item = tracker.open.get(index);
    if (item?.status !== 'awaiting_operator') continue;
    item.status = 'failed';
    item.operatorNotes.push(`no operator retried or skipped it within ${Math.round(timeoutMs / 1000)} s`);
  }
}

/** One notification per finished batch with items that now wait: which items, and the commands. */
async function announceWaitingItems(run: RunState, path: string, context: StepContext, indices: number[], tracker: MapTracker): Promise<void> {
  if (context.item) return; // a nested map's items are its outer item's business
  const first = tracker.open.get(indices[0] as number);
  const listed = indices.slice(0, 20).join(', ') + (indices.length > 20 ? ` and ${indices.length - 20} more` : '');
  await announceFromRun(
    run,
    'step.awaiting_operator',
    `${path}:items:${tracker.batches.done}:${indices[0]}`,
    `${indices.length} item(s) of step '${path}' of run ${context.runId} (${run.spec.pipeline}) failed and await an operator: items ${listed}${first?.error ? ` (item ${first.index}: ${first.error.message})` : ''}`,
    [`cairn retry ${context.runId} ${path} --item ${indices[0]}`, `cairn skip ${context.runId} ${path} --item ${indices[0]}`, `cairn abort ${context.runId}`],
    { step: path, items: indices.slice(0, 100), error: first?.error?.message ?? null },
  );
}

/**
 * The params an item's steps see: the run's, except a mapped param, which every item's input would
 * otherwise carry whole (10,000 items, each with the list of 10,000). It reads as a note saying so;
 * the item has its own value in `input.item`.
 */
function paramsForItems(params: StepContext['params'], over: NonNullable<StepSpec['map']>['over'], count: number): StepContext['params'] {
  if (!('param' in over)) return params;
  return { ...params, [over.param]: `(mapped: ${count} items; each step sees its own as input.item)` };
}
