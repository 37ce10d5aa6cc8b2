import {
  ActivityCancellationType,
  ApplicationFailure,
  condition,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { JsonValue, StepSpec } from '../lib/dsl/spec';
import type { StepInput } from '../lib/dsl/stepIo';
import { NON_RETRYABLE_ERROR_TYPES } from '../lib/errors';
import { infrastructureBackoffMs } from '../lib/faults/backoff';
import { stepTaskQueue } from '../lib/taskQueues';
import { CACHE_LOOKUP_ACTIVITY, CACHE_RECORD_ACTIVITY, type CacheLookup, type CacheLookupRequest, type CachePolicy, type CacheRecordRequest } from '../lib/runContract/stepCache';
import { jsonBytes } from './jsonBytes';
import { DEFAULT_INFRASTRUCTURE_RETRY_WINDOW_MS, MAX_WORKFLOW_PAYLOAD_BYTES, stepBackoffMs } from './stepAttempts';
import { markCached, markFailed, markReused, markRunning, markSkipped, markSucceeded, operatorNote, stepState, type Decision, type RunState } from './runState';
import { runMap } from './mapStep';
import { announceFromRun } from './announceFromRun';
import { canaryToStart, startCanaryAnalysis } from './startCanary';
import { describeFailure, RunAborted } from './stepFailure';
import type { Approval } from '../lib/auth/runAuthority';
import { stepActivityId, type RunInput, type StepState } from '../lib/runContract/types';
import { unmetCondition } from '../lib/runContract/stepCondition';
import { isOutputRef, type OutputRef } from '../lib/artifacts/outputRef';
import {
  STORED_OUTPUT_CONDITION_ACTIVITY,
  STORED_OUTPUT_CONDITION_PATCH,
  type StoredOutputConditionRequest,
  type StoredOutputConditionVerdict,
} from '../lib/runContract/storedOutputCondition';

/**
 * The interpreter of a pipeline's steps, shared by the run (workflows/runPipeline) and by each batch
 * of a map's items (workflows/mapBatch), which runs an item's step or sub-pipeline with it.
 */

/**
 * Runs since this patch count a step's attempts in the workflow: each execution is one activity
 * attempt, so a lost worker or an unavailable dependency (retried here over a long window) does not
 * use up the attempts of the step's retry policy. Runs recorded before it keep Temporal's retries.
 */
export const STEP_ATTEMPTS_PATCH = 'cairn-step-attempts-in-workflow';

export interface StepContext {
  runId: string;
  temporalRunId: string;
  params: RunInput['params'];
  reuse: RunInput['reuse'];
  /** By step path (`per-region.fit` inside a mapped sub-pipeline). */
  signatures: RunInput['signatures'];
  cache: CachePolicy;
  /** '' for a run's own steps; `<map step path>.` for a mapped sub-pipeline's. */
  pathPrefix: string;
  /** Set while running one item of a map. */
  item?: { index: number; value: JsonValue; round: number; as: 'item' | 'config' };
  /** The map step's upstream outputs, which every step of an item sees beside its own upstream. */
  outerUpstream?: Record<string, JsonValue | null>;
}

/** Runs since this patch read a list's item where a `when` field names its index (`checks.0.passed`). */
const WHEN_INDEXES_LISTS_PATCH = 'cairn-when-indexes-lists';

/**
 * Runs since this patch start a step when its last upstream step finishes, counted, instead of
 * through a `Promise.all` per step: the SDK captures a stack trace for every promise a workflow
 * creates, so the promises per step (about 8 before, 5 now) were a large share of a wide fan-out's
 * workflow time. Runs recorded before it keep the promise chains, whose command order they recorded.
 */
const COUNTED_SCHEDULER_PATCH = 'cairn-counted-step-scheduler';

/**
 * Runs since this patch start a plain step (see startPlainStep) at once and continue from its
 * activity's own promise: one promise of Cairn's per step, as a hand-written loop awaiting its
 * activities has. Before, a step went through two async functions and an announcement check (13
 * promises per light step against the loop's 7), and every promise costs the SDK's stack capture,
 * about 60 µs here. Earlier runs keep their turns, whose command order they recorded.
 */
const PLAIN_STEP_PATCH = 'cairn-plain-step-fast-path';

/**
 * Runs since this patch let an abort end a map that waited for its items' operators as the abort it
 * is (the step cancelled, the waiting items failed). Before, the map recorded the abort as the step's
 * own failure (`Error: <reason>`) and began announcing that it awaited an operator, an announcement
 * the abort cancelled before it was sent but whose activity sequence number those runs recorded.
 * Asked only when a map sees the abort, so no other run records its marker.
 */
const MAP_ABORT_PATCH = 'cairn-map-abort-ends-step';

/**
 * Starts every step as soon as all its upstream steps have finished; independent branches run in
 * parallel. The newest patch is asked first: a new run records one patch marker (each also costs an
 * upsert of the TemporalChangeVersion search attribute), and a recorded run without it finds the
 * patches it has.
 */
export function runAllSteps(run: RunState, context: StepContext, publishStatus: () => void): Promise<void> {
  if (patched(PLAIN_STEP_PATCH)) return runStepsCounted(run, context, publishStatus, true);
  if (patched(COUNTED_SCHEDULER_PATCH)) return runStepsCounted(run, context, publishStatus, false);
  return runStepsChained(run, context, publishStatus);
}

/**
 * Each step waits for a count of unfinished upstream steps; a finishing step starts the dependents it
 * brought to zero, in spec order. The first failure ends the run (as Promise.all did); nothing new
 * starts after it.
 */
function runStepsCounted(run: RunState, context: StepContext, publishStatus: () => void, plainFastPath: boolean): Promise<void> {
  const steps = run.spec.steps;
  const unfinishedUpstream = new Map(steps.map((step) => [step.name, step.after.length]));
  const dependents = new Map<string, StepSpec[]>(steps.map((step) => [step.name, []]));
  for (const step of steps) for (const name of step.after) dependents.get(name)?.push(step);
  return new Promise<void>((resolve, reject) => {
    let unfinished = steps.length;
    let failed = false;
    const start = (step: StepSpec): void => {
      const finished = () => {
        if (failed) return;
        unfinished -= 1;
        for (const next of dependents.get(step.name) ?? []) {
          const left = (unfinishedUpstream.get(next.name) ?? 0) - 1;
          unfinishedUpstream.set(next.name, left);
          if (left === 0) start(next);
        }
        if (unfinished === 0) resolve();
      };
      const failedRun = (error: unknown) => {
        failed = true;
        reject(error);
      };
      const plain = plainFastPath ? startPlainStep(run, step, context) : undefined;
      if (!plain) {
        runStep(run, step, context, publishStatus).then(finished, failedRun);
        return;
      }
      plain.execution.then(
        (output) => {
          markSucceeded(plain.state, output ?? null, new Date());
          finished();
        },
        // A failed execution continues where runStep would be: retries, then the operator's decision.
        (error: unknown) => runStep(run, step, context, publishStatus, { ...plain, error }).then(finished, failedRun),
      );
    };
    if (steps.length === 0) resolve();
    for (const step of steps) if (step.after.length === 0) start(step);
  });
}

/** Before COUNTED_SCHEDULER_PATCH: one promise chain per step (kept for replaying those runs). */
async function runStepsChained(run: RunState, context: StepContext, publishStatus: () => void): Promise<void> {
  const finished = new Map<string, Promise<void>>();
  for (const step of run.spec.steps) {
    // The spec is topologically ordered, so every upstream promise already exists.
    const upstream = step.after.map((name) => finished.get(name) as Promise<void>);
    finished.set(
      step.name,
      Promise.all(upstream).then(() => runStep(run, step, context, publishStatus)),
    );
  }
  await Promise.all(finished.values());
}

/** A plain step's first execution, started by startPlainStep. */
interface PlainStart {
  state: StepState;
  input: StepInput;
  executions: Executions;
  execution: Promise<JsonValue>;
}

/**
 * Starts a plain step's first execution at once, or returns undefined for a step that is not plain:
 * one that maps, waits for approval, uses the cache, is re-used from an earlier run, deploys (it
 * announces and may start a canary), follows a skipped upstream step or an unmet `when`, or whose input is too large
 * (it fails, named, in runStep). Everything else about a step (attempts, backoff, the operator's
 * decisions) is the same on both paths: a failed execution continues in runStep.
 */
function startPlainStep(run: RunState, step: StepSpec, context: StepContext): PlainStart | undefined {
  if (step.map || step.approval || step.activity === 'deploy' || (step.cache && context.cache !== 'off') || (context.reuse && step.name in context.reuse.outputs)) return undefined;
  if (readsStoredOutput(run, step)) return undefined;
  const input = stepInput(run, step, context);
  if (!('run' in input) || oversizedInput(step, input)) return undefined;
  const state = stepState(run, step.name);
  markRunning(state, new Date());
  const executions = newRound();
  return { state, input, executions, execution: nextExecution(step, state, input, activityIdPrefix(context), executions) };
}

/** What a step is given (its run, config, upstream outputs and item), or why it is skipped. */
function stepInput(run: RunState, step: StepSpec, context: StepContext, storedVerdict?: StoredOutputConditionVerdict): StepInput | { skipped: string } {
  const path = `${context.pathPrefix}${step.name}`;
  const upstream: Record<string, JsonValue | null> = { ...context.outerUpstream };
  for (const name of step.after) {
    const upstreamState = stepState(run, name);
    if (upstreamState.status === 'skipped' && step.whenUpstreamSkipped === 'skip') return { skipped: `skipped because upstream step '${name}' was skipped` };
    upstream[name] = upstreamState.output;
  }
  const unmet = storedVerdict
    ? storedVerdict.unmet
    : step.when
      ? unmetCondition(step.when, { step: (name) => stepState(run, name), params: context.params, indexLists: () => patched(WHEN_INDEXES_LISTS_PATCH) })
      : undefined;
  if (unmet) return { skipped: unmet };
  return {
    run: {
      runId: context.runId,
      temporalRunId: context.temporalRunId,
      pipeline: run.spec.pipeline,
      specHash: run.spec.hash,
      trigger: run.trigger,
      params: context.params,
      logicalDate: run.logicalDate,
      step: path,
      ...(run.startedBy ? { startedBy: run.startedBy } : {}),
      ...(context.signatures?.[path] ? { signature: context.signatures[path] } : {}),
    },
    config: step.config,
    upstream,
    ...(context.item ? { item: { index: context.item.index, value: context.item.value, ...(context.item.as === 'config' || step.itemConfig ? { as: 'config' as const } : {}) } } : {}),
  };
}

/**
 * Runs a step to its end: re-used, skipped, approved or rejected, cached, executed (with its retries)
 * and, when it fails, held for an operator's decision, round after round. `resumed`: a plain step
 * whose first execution failed (see startPlainStep), continued from there.
 */
async function runStep(run: RunState, step: StepSpec, context: StepContext, publishStatus: () => void, resumed?: PlainStart & { error: unknown }): Promise<void> {
  const state = stepState(run, step.name);
  if (context.reuse && step.name in context.reuse.outputs) {
    markReused(state, context.reuse.outputs[step.name] ?? null, context.reuse.fromRun, new Date());
    return;
  }
  let storedVerdict: StoredOutputConditionVerdict | undefined;
  const storedOutput = resumed ? undefined : readsStoredOutput(run, step);
  if (storedOutput) {
    const decided = await decideOnStoredOutput(run, step, state, context, storedOutput, publishStatus);
    if (decided === 'skipped') return;
    storedVerdict = decided;
  }
  const prepared = resumed?.input ?? stepInput(run, step, context, storedVerdict);
  if (!('run' in prepared)) {
    markSkipped(state, prepared.skipped, new Date());
    return;
  }
  const input = prepared;

  if (step.approval) {
    const approval = await awaitApproval(run, step.name, step.approval.timeoutMs, publishStatus);
    input.run.approval = approval;
  }

  let cacheKey: string | null = null;
  // A mapped step is cached per item, in its batches (the item is part of each key), not as a whole.
  if (step.cache && !step.map && context.cache !== 'off') {
    const lookup = await lookUpCache({ activity: step.activity, input, policy: context.cache });
    if ('hit' in lookup) {
      markCached(state, lookup.hit.output, lookup.hit.runId, new Date());
      return;
    }
    state.cacheMiss = lookup.miss;
    cacheKey = lookup.key;
  }

  let failedFirstExecution = resumed;
  for (;;) {
    const continued = failedFirstExecution;
    failedFirstExecution = undefined;
    if (!continued) markRunning(state, new Date());
    try {
      const output = step.map
        ? await runMap(run, step, state, input, context, publishStatus)
        : continued
          ? await retryAfterFailedExecution(run, step, state, input, activityIdPrefix(context), continued.executions, continued.error)
          : await executeStep(run, step, state, input, activityIdPrefix(context));
      markSucceeded(state, output, new Date());
      await announceDeploy(run, step, output, context.runId);
      // Checked first, so that every other step takes no extra turn here (the command order of earlier runs).
      const canary = canaryToStart(step, output);
      if (canary) await startCanaryAnalysis(canary);
      if (cacheKey !== null) await recordInCache({ activity: step.activity, input, key: cacheKey, output });
      return;
    } catch (error) {
      if (isCancellation(error)) {
        state.status = 'cancelled';
        throw error;
      }
      // A map waiting on its items' operators when the run was aborted: the abort ends the step, which did not fail.
      if (error instanceof RunAborted && patched(MAP_ABORT_PATCH)) throw error;
      if ((await operatorDecision(run, step, state, context, error, publishStatus)) === 'skip') return;
    }
  }
}

/**
 * A failed step held for an operator: marks it failed, announces it, and waits for the decision.
 * Returns 'retry' (noted on the step) or 'skip' (the step marked skipped); throws when the run fails
 * instead (the pipeline's onFailure is 'fail', an abort, or no operator within the timeout).
 */
async function operatorDecision(run: RunState, step: StepSpec, state: StepState, context: StepContext, error: unknown, publishStatus: () => void): Promise<'retry' | 'skip'> {
  const failure = describeFailure(error, step.startToCloseTimeoutMs);
  const awaitOperator = run.spec.onFailure.mode === 'await_operator';
  markFailed(state, failure, new Date(), awaitOperator);
  log.warn('step failed', { step: step.name, round: state.round, error: failure.message, type: failure.type });
  if (!awaitOperator) {
    throw ApplicationFailure.nonRetryable(`step '${step.name}' failed: ${failure.message}`, 'StepFailed');
  }
  publishStatus();
  await announceFromRun(
    run,
    'step.awaiting_operator',
    `${step.name}:${state.round}:awaiting-operator`,
    `step '${step.name}' of run ${context.runId} (${run.spec.pipeline}) failed and awaits an operator: ${failure.message}`,
    [`cairn retry ${context.runId} ${step.name}`, `cairn skip ${context.runId} ${step.name}`, `cairn abort ${context.runId}`],
    { step: step.name, round: state.round, error: failure.message, errorType: failure.type },
  );
  const decided = await condition(
    () => run.decisions.has(step.name) || run.abortReason !== null,
    run.spec.onFailure.operatorTimeoutMs,
  );
  if (run.abortReason !== null) throw new RunAborted(run.abortReason);
  if (!decided) {
    state.status = 'failed';
    throw ApplicationFailure.nonRetryable(
      `step '${step.name}' failed and no operator retried or skipped it within ` +
        `${Math.round(run.spec.onFailure.operatorTimeoutMs / 1000)} s: ${failure.message}`,
      'OperatorTimeout',
    );
  }
  const { decision, reason, by } = run.decisions.get(step.name) as { decision: 'retry' | 'skip'; reason: string; by: string | null };
  run.decisions.delete(step.name);
  const note = operatorNote(decision, by, reason);
  if (decision === 'skip') {
    markSkipped(state, note, new Date());
    publishStatus();
    return 'skip';
  }
  state.operatorNotes.push(note);
  publishStatus();
  return 'retry';
}

/**
 * The reference of the upstream output a step's `when` reads, when that output travelled by
 * reference (runs recorded before STORED_OUTPUT_CONDITION_PATCH decided on the reference itself).
 */
function readsStoredOutput(run: RunState, step: StepSpec): OutputRef | undefined {
  if (step.when?.step === undefined) return undefined;
  const output = stepState(run, step.when.step).output;
  return isOutputRef(output) && patched(STORED_OUTPUT_CONDITION_PATCH) ? output : undefined;
}

const conditionBookkeeping = proxyLocalActivities<{
  [STORED_OUTPUT_CONDITION_ACTIVITY]: (request: StoredOutputConditionRequest) => Promise<StoredOutputConditionVerdict>;
}>({ startToCloseTimeout: '5 minutes', retry: { maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES } });

/**
 * A `when` on an output kept in the artifact store, decided by reading it (a local activity). One
 * that cannot be read fails the step for an operator: retry reads it again, skip skips the step.
 */
async function decideOnStoredOutput(
  run: RunState,
  step: StepSpec,
  state: StepState,
  context: StepContext,
  output: OutputRef,
  publishStatus: () => void,
): Promise<StoredOutputConditionVerdict | 'skipped'> {
  const condition = step.when as NonNullable<StepSpec['when']>;
  for (;;) {
    try {
      const upstream = stepState(run, condition.step as string);
      return await conditionBookkeeping[STORED_OUTPUT_CONDITION_ACTIVITY]({ step: `${context.pathPrefix}${step.name}`, condition, upstream: { status: upstream.status, output } });
    } catch (error) {
      if (isCancellation(error)) {
        state.status = 'cancelled';
        throw error;
      }
      if ((await operatorDecision(run, step, state, context, error, publishStatus)) === 'skip') return 'skipped';
      // A round of its own, so the next failure is announced again.
      markRunning(state, new Date());
    }
  }
}

/** An item's activities are told apart by its index and round: `17.1:score#1` (a run's own steps have no prefix). */
function activityIdPrefix(context: StepContext): string {
  return context.item ? `${context.item.index}.${context.item.round}:${context.pathPrefix}` : '';
}

/**
 * The step cache's bookkeeping runs on this workflow's own worker, as local activities: a lookup may
 * hash a large source file and verify the artifacts of a hit, hence the long timeout.
 */
const cacheBookkeeping = proxyLocalActivities<{
  [CACHE_LOOKUP_ACTIVITY]: (request: CacheLookupRequest) => Promise<CacheLookup>;
  [CACHE_RECORD_ACTIVITY]: (request: CacheRecordRequest) => Promise<{ recorded: boolean; reason?: string }>;
}>({ startToCloseTimeout: '30 minutes', retry: { maximumAttempts: 3 } });

/** A deploy step that moved an alias announces the promotion (a canary with its weight). */
async function announceDeploy(run: RunState, step: StepSpec, output: JsonValue | null, runId: string): Promise<void> {
  if (step.activity !== 'deploy' || output === null || typeof output !== 'object' || Array.isArray(output) || output.moved !== true) return;
  const { model, alias, version, previous, weight } = output as { model: string; alias: string; version: number; previous: number | null; weight?: number | null };
  await announceFromRun(run, 'model.promoted', `${step.name}:promoted`, `${model} v${version} is now ${alias}${previous === null ? '' : ` (was v${previous})`}, deployed by run ${runId}`, [`cairn rollback ${model} --alias ${alias}`], {
    model,
    alias,
    version,
    previous,
    weight: weight ?? null,
    by: `run ${runId}`,
  });
}

/** The cache's answer for a step; a lookup that fails is a miss, never a failed step. */
async function lookUpCache(request: CacheLookupRequest): Promise<CacheLookup> {
  try {
    return await cacheBookkeeping[CACHE_LOOKUP_ACTIVITY](request);
  } catch (error) {
    if (isCancellation(error)) throw error;
    return { key: null, miss: `the cache lookup failed: ${(error as Error).message}` };
  }
}

/** Keeps a step's output in the cache; a cache that cannot take it never fails the step. */
async function recordInCache(request: CacheRecordRequest): Promise<void> {
  try {
    const recorded = await cacheBookkeeping[CACHE_RECORD_ACTIVITY](request);
    if (!recorded.recorded) log.info('step output not cached', { step: request.input.run.step, reason: recorded.reason });
  } catch (error) {
    if (isCancellation(error)) throw error;
    log.warn('step output not cached', { step: request.input.run.step, error: (error as Error).message });
  }
}

/**
 * Holds a step until an operator approves it (it then runs) or rejects it, or the approval expires
 * (both fail the step and the run). The wait is a durable timer: it survives worker restarts.
 */
async function awaitApproval(run: RunState, name: string, timeoutMs: number, publishStatus: () => void): Promise<Approval> {
  const state = stepState(run, name);
  state.status = 'awaiting_approval';
  publishStatus();
  const runId = workflowInfo().workflowId;
  await announceFromRun(
    run,
    'step.awaiting_approval',
    `${name}:awaiting-approval`,
    `step '${name}' of run ${runId} (${run.spec.pipeline}) awaits approval`,
    [`cairn approve ${runId} ${name} --reason '...'`, `cairn reject ${runId} ${name} --reason '...'`],
    { step: name, expiresInMs: timeoutMs },
  );
  const decided = await condition(() => run.decisions.has(name) || run.abortReason !== null, timeoutMs);
  if (run.abortReason !== null) throw new RunAborted(run.abortReason);
  const fail = (type: string, message: string) => {
    markFailed(state, { message, type, nonRetryable: true }, new Date(), false);
    publishStatus();
    return ApplicationFailure.nonRetryable(`step '${name}' ${message}`, type);
  };
  if (!decided) throw fail('ApprovalExpired', `was not approved within ${Math.round(timeoutMs / 1000)} s`);
  const { decision, reason, by, role, signature } = run.decisions.get(name) as Decision;
  run.decisions.delete(name);
  const note = operatorNote(decision === 'approve' ? 'approved' : 'rejected', by, reason);
  state.operatorNotes.push(note);
  if (decision === 'reject') throw fail('ApprovalRejected', `was ${note}`);
  state.status = 'pending';
  publishStatus();
  // An approval from before roles were recorded counts as an operator's.
  return { by: by ?? 'operator', role: role ?? 'operator', ...(signature ? { signature } : {}) };
}

/** Where a step's round stands: its attempt (failures of the step itself) and its executions (every activity run). */
interface Executions {
  attempt: number;
  execution: number;
  /** When the current run of infrastructure failures began (workflow time). */
  infrastructureSince?: number;
  infrastructureRetries: number;
}

/** A round before its first execution. */
function newRound(): Executions {
  return { attempt: 1, execution: 0, infrastructureRetries: 0 };
}

/** The failure of a step whose input is too large for a Temporal payload, naming its size; null when it fits. */
function oversizedInput(step: StepSpec, input: StepInput): ApplicationFailure | null {
  const inputBytes = jsonBytes(input);
  if (inputBytes <= MAX_WORKFLOW_PAYLOAD_BYTES) return null;
  return ApplicationFailure.nonRetryable(
    `step '${step.name}' cannot start: its input (config and upstream outputs) is ${inputBytes} bytes, over the ${MAX_WORKFLOW_PAYLOAD_BYTES}-byte limit of a Temporal payload`,
    'PayloadTooLarge',
  );
}

/** Starts the round's next execution: the activity's own promise. */
function nextExecution(step: StepSpec, state: StepState, input: StepInput, idPrefix: string, executions: Executions): Promise<JsonValue> {
  executions.execution += 1;
  state.attempts = executions.attempt;
  state.activityId = `${idPrefix}${stepActivityId(step.name, state.round, executions.execution)}`;
  return activityFor(step, state.activityId, 1)({ ...input, run: { ...input.run, attempt: executions.attempt } });
}

/**
 * After a failed execution: how long to wait before the next one, or throws when the round has
 * failed. Failures of the step count against its retry policy; infrastructure failures (a lost
 * worker, a dependency down) are retried with backoff for the pipeline's window without counting, so
 * a crash or an outage never needs an operator. Synchronous, so that the caller's `await sleep`
 * keeps the turns (and so the command order) of the runs recorded before it was split out.
 */
function retryDelayAfter(run: RunState, step: StepSpec, state: StepState, executions: Executions, error: unknown): number {
  if (isCancellation(error)) throw error;
  const failure = describeFailure(error, step.startToCloseTimeoutMs);
  if (failure.infrastructure) {
    const windowMs = run.spec.onFailure.infrastructureRetryWindowMs ?? DEFAULT_INFRASTRUCTURE_RETRY_WINDOW_MS;
    executions.infrastructureSince ??= Date.now();
    if (Date.now() - executions.infrastructureSince >= windowMs) throw error;
    state.infrastructureRetries = (state.infrastructureRetries ?? 0) + 1;
    state.error = failure;
    log.info('step lost to infrastructure; running it again', { step: step.name, error: failure.message });
    return infrastructureBackoffMs(executions.infrastructureRetries++);
  }
  executions.infrastructureSince = undefined;
  executions.infrastructureRetries = 0;
  if (failure.nonRetryable || executions.attempt >= step.retry.maximumAttempts) throw error;
  state.error = failure;
  return stepBackoffMs(step.retry, executions.attempt++);
}

/** The rest of a round whose last execution failed with `error`: the wait, then the executions that follow. */
async function retryAfterFailedExecution(run: RunState, step: StepSpec, state: StepState, input: StepInput, idPrefix: string, executions: Executions, error: unknown): Promise<JsonValue | null> {
  await sleep(retryDelayAfter(run, step, state, executions, error));
  return executeStep(run, step, state, input, idPrefix, executions);
}

/**
 * One round of a step: its executions until one succeeds or retryDelayAfter gives up, from where
 * `executions` stands when the round has begun already. A new round's input too large for Temporal
 * fails it at once, named.
 */
async function executeStep(run: RunState, step: StepSpec, state: StepState, input: StepInput, idPrefix: string, executions?: Executions): Promise<JsonValue | null> {
  if (!executions) {
    const oversized = oversizedInput(step, input);
    if (oversized) throw oversized;
    if (!patched(STEP_ATTEMPTS_PATCH)) {
      state.activityId = stepActivityId(step.name, state.round, 1); // no map existed before this patch
      return (await activityFor(step, state.activityId, step.retry.maximumAttempts)(input)) ?? null;
    }
  }
  const round = executions ?? newRound();
  for (;;) {
    try {
      return (await nextExecution(step, state, input, idPrefix, round)) ?? null;
    } catch (error) {
      await sleep(retryDelayAfter(run, step, state, round, error));
    }
  }
}

/**
 * An activity stub with this step's own options; the activity type is the step's activity name. A
 * light step is a local activity (run by this workflow's own worker, recorded as a marker); the
 * workflow's loop around it gives it the same attempts, backoff and operator actions as any step.
 */
function activityFor(step: StepSpec, activityId: string, maximumAttempts: number): (input: StepInput) => Promise<JsonValue> {
  // One attempt per execution (the workflow counts them, STEP_ATTEMPTS_PATCH): the backoff and the
  // non-retryable types would never be read, and each execution would carry them to the SDK, Core
  // and, for an activity task, every scheduled event in the run's history.
  const retry =
    maximumAttempts === 1
      ? { maximumAttempts }
      : {
          maximumAttempts,
          initialInterval: step.retry.initialIntervalMs,
          backoffCoefficient: step.retry.backoffCoefficient,
          maximumInterval: step.retry.maximumIntervalMs,
          nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
        };
  if (step.local) {
    const local = proxyLocalActivities<Record<string, (input: StepInput) => Promise<JsonValue>>>({
      summary: step.name,
      startToCloseTimeout: step.startToCloseTimeoutMs,
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
      retry,
    });
    return local[step.activity] as (input: StepInput) => Promise<JsonValue>;
  }
  const stubs = proxyActivities<Record<string, (input: StepInput) => Promise<JsonValue>>>({
    activityId,
    summary: step.name,
    startToCloseTimeout: step.startToCloseTimeoutMs,
    heartbeatTimeout: step.heartbeatTimeoutMs ?? undefined,
    taskQueue: step.taskQueue ? stepTaskQueue(step.taskQueue) : undefined,
    // Wait for the activity to acknowledge cancellation, so a cancelled run has really stopped working.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry,
  });
  return stubs[step.activity] as (input: StepInput) => Promise<JsonValue>;
}
