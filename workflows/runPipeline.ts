import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  TimeoutFailure,
  condition,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  proxySinks,
  setHandler,
  sleep,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { JsonValue, StepSpec } from '../lib/dsl/spec';
import type { StepInput } from '../lib/dsl/stepIo';
import { INFRASTRUCTURE_ERROR_TYPE, NON_RETRYABLE_ERROR_TYPES } from '../lib/errors';
import { infrastructureBackoffMs } from '../lib/faults/backoff';
import { CAIRN_STATUS, TEMPORAL_SCHEDULED_START_TIME } from '../lib/searchAttributes';
import { stepTaskQueue } from '../lib/taskQueues';
import { abortRunUpdate, approveStepUpdate, rejectStepUpdate, retryStepUpdate, runStateQuery, skipStepUpdate } from '../lib/runContract/messages';
import { CACHE_LOOKUP_ACTIVITY, CACHE_RECORD_ACTIVITY, type CacheLookup, type CacheLookupRequest, type CachePolicy, type CacheRecordRequest } from '../lib/runContract/stepCache';
import type { NotificationEvent, NotificationKind } from '../lib/notifications/events';
import { announce } from './notify';
import { jsonBytes } from './jsonBytes';
import type { RunMetricsSinks } from './metricsSink';
import {
  DEFAULT_INFRASTRUCTURE_RETRY_WINDOW_MS,
  MAX_WORKFLOW_PAYLOAD_BYTES,
  stepBackoffMs,
} from './stepAttempts';
import {
  assertAwaitingApproval,
  assertAwaitingOperator,
  assertRunOpen,
  boundedSnapshot,
  createRunState,
  markCached,
  markFailed,
  markReused,
  markRunning,
  markSkipped,
  markSucceeded,
  runStatus,
  snapshot,
  stepState,
  type Decision,
  type RunState,
} from './runState';
import type { Approval } from '../lib/auth/runAuthority';
import { FINAL_STATE_MEMO, stepActivityId, type AbortRequest, type RunInput, type RunResult, type RunStatus, type StepError, type StepRecord, type StepState } from '../lib/runContract/types';

/**
 * Runs since this patch count a step's attempts in the workflow: each execution is one activity
 * attempt, so a lost worker or an unavailable dependency (retried here over a long window) does not
 * use up the attempts of the step's retry policy. Runs recorded before it keep Temporal's retries.
 */
const STEP_ATTEMPTS_PATCH = 'cairn-step-attempts-in-workflow';

const { runMetrics } = proxySinks<RunMetricsSinks>();

/** Runs since this patch announce what people should know (notifications); earlier runs recorded no such child workflows. */
const NOTIFICATIONS_PATCH = 'cairn-notifications';

/** Announces an event of this run (delivered by a child workflow that outlives it; never awaited). */
async function announceFromRun(run: RunState, kind: NotificationKind, suffix: string, summary: string, commands: string[], details: NotificationEvent['details']): Promise<void> {
  if (!patched(NOTIFICATIONS_PATCH)) return;
  const info = workflowInfo();
  try {
    await announce({ id: `${info.runId}:${suffix}`, kind, at: new Date().toISOString(), runId: info.workflowId, pipeline: run.spec.pipeline, summary, commands, details });
  } catch (error) {
    // A notification that cannot be started never changes what the run does.
    if (isCancellation(error)) throw error;
    log.warn('notification not announced', { kind, error: (error as Error).message });
  }
}

/** Thrown inside the DAG when an operator aborts, so every branch stops. */
class RunAborted extends Error {}

/**
 * The one workflow that runs every pipeline. It interprets the compiled spec it is given and never
 * imports definitions/, so editing a pipeline cannot break a run in flight.
 */
export async function runPipeline(input: RunInput): Promise<RunResult> {
  const info = workflowInfo();
  // A scheduled (or backfilled) run is about its fire time, never the wall clock when it started.
  const scheduledFor = info.typedSearchAttributes.get(TEMPORAL_SCHEDULED_START_TIME);
  const logicalDate = input.logicalDate ?? scheduledFor?.toISOString() ?? info.startTime.toISOString();
  const run = createRunState(input.spec, input.trigger, logicalDate, input.reuse?.fromRun ?? null, input.startedBy ?? null);
  let publishedStatus: RunStatus = 'running';
  const publishStatus = () => {
    const status = runStatus(run);
    if (status === publishedStatus) return;
    publishedStatus = status;
    upsertSearchAttributes([{ key: CAIRN_STATUS, value: status }]);
  };

  setHandler(runStateQuery, () => boundedSnapshot(run, MAX_WORKFLOW_PAYLOAD_BYTES));
  for (const [update, decision, validate] of [
    [retryStepUpdate, 'retry', assertAwaitingOperator],
    [skipStepUpdate, 'skip', assertAwaitingOperator],
    [approveStepUpdate, 'approve', assertAwaitingApproval],
    [rejectStepUpdate, 'reject', assertAwaitingApproval],
  ] as const) {
    setHandler(
      update,
      ({ step, reason, by, role, signature }) => {
        run.decisions.set(step, { decision, reason: reason?.trim() ?? '', by: by?.trim() || null, ...(role ? { role } : {}), ...(signature ? { signature } : {}) });
        return stepState(run, step);
      },
      { validator: ({ step }) => validate(run, step) },
    );
  }
  setHandler(
    abortRunUpdate,
    ({ reason }) => {
      run.abortReason = reason?.trim() || 'aborted by an operator';
      return boundedSnapshot(run, MAX_WORKFLOW_PAYLOAD_BYTES);
    },
    { validator: (_request: AbortRequest) => assertRunOpen(run) },
  );

  runMetrics.started(input.spec.pipeline, input.trigger);
  const context = { runId: info.workflowId, temporalRunId: info.runId, params: input.params, reuse: input.reuse, signatures: input.signatures, cache: input.cache ?? 'use' };
  const dagScope = new CancellationScope();
  const dag = dagScope.run(() => runAllSteps(run, context, publishStatus));
  dag.catch(() => undefined); // observed below; avoid an unhandled rejection when the abort wins the race

  try {
    await Promise.race([dag, condition(() => run.abortReason !== null)]);
    if (run.abortReason !== null) {
      dagScope.cancel();
      await dag.catch(() => undefined);
      throw new RunAborted(run.abortReason);
    }
    run.finalStatus = 'succeeded';
    publishStatus();
    runMetrics.finished(run.spec.pipeline, run.trigger, 'succeeded');
    return runResult(run);
  } catch (error) {
    if (isCancellation(error) && run.abortReason === null) {
      // The abort race is cancelled at once; wait for the steps to acknowledge their cancellation.
      await dag.catch(() => undefined);
      run.finalStatus = 'cancelled';
      for (const step of run.steps.values()) if (step.status === 'running' || step.status === 'pending') step.status = 'cancelled';
      publishStatus();
      recordFinalState(run);
      runMetrics.finished(run.spec.pipeline, run.trigger, 'cancelled');
      throw error;
    }
    run.finalStatus = 'failed';
    if (run.abortReason !== null) settleAbortedSteps(run);
    publishStatus();
    recordFinalState(run);
    runMetrics.finished(run.spec.pipeline, run.trigger, 'failed');
    const why = run.abortReason !== null ? `aborted: ${run.abortReason}` : (error as Error).message;
    await announceFromRun(run, 'run.failed', 'run-failed', `run ${info.workflowId} of ${run.spec.pipeline} failed: ${why}`, [`cairn status ${info.workflowId}`, `cairn rerun ${info.workflowId} --from <step>`], {
      reason: why,
      failedSteps: [...run.steps.values()].filter((s) => s.status === 'failed').map((s) => s.name),
    });
    if (error instanceof RunAborted || run.abortReason !== null) {
      throw ApplicationFailure.nonRetryable(`run aborted: ${run.abortReason}`, 'RunAborted');
    }
    throw error;
  }
}

/** An aborted run's steps show how they ended: one that waited for a decision failed with the run, one that ran or waited to run was cancelled. */
function settleAbortedSteps(run: RunState): void {
  for (const step of run.steps.values()) {
    if (step.status === 'awaiting_operator' || step.status === 'awaiting_approval') step.status = 'failed';
    else if (step.status === 'running' || step.status === 'pending') step.status = 'cancelled';
  }
}

/**
 * A run that fails or is cancelled keeps its final state in its memo, so it is readable (and can be
 * re-run from a step) with no worker running; a run that succeeds has it in its result.
 */
function recordFinalState(run: RunState): void {
  if (!patched(STEP_ATTEMPTS_PATCH)) return;
  upsertMemo({ [FINAL_STATE_MEMO]: boundedSnapshot(run, MAX_WORKFLOW_PAYLOAD_BYTES / 2) });
}

/** A step without its output (that travels once, in `outputs`). */
function stepRecord(step: StepState): StepRecord {
  const { output: _output, ...record } = step;
  return record;
}

/** The result: each output once; if even that would not fit in a payload, the outputs are left out (the state query has them). */
function runResult(run: RunState): RunResult {
  const state = snapshot(run);
  const outputs = Object.fromEntries(state.steps.map((s) => [s.name, s.output]));
  const result: RunResult = { ...state, status: 'succeeded', outputs, steps: state.steps.map(stepRecord) };
  const bytes = jsonBytes(result);
  if (bytes <= MAX_WORKFLOW_PAYLOAD_BYTES) return result;
  log.warn('run result too large to return with its outputs; they stay readable through the run state', { bytes });
  return { ...result, outputs: {}, outputsOmitted: true };
}

interface StepContext {
  runId: string;
  temporalRunId: string;
  params: RunInput['params'];
  reuse: RunInput['reuse'];
  signatures: RunInput['signatures'];
  cache: CachePolicy;
}

/**
 * Runs since this patch start a step when its last upstream step finishes, counted, instead of
 * through a `Promise.all` per step: the SDK captures a stack trace for every promise a workflow
 * creates, so the promises per step (about 8 before, 5 now) were a large share of a wide fan-out's
 * workflow time. Runs recorded before it keep the promise chains, whose command order they recorded.
 */
const COUNTED_SCHEDULER_PATCH = 'cairn-counted-step-scheduler';

/** Starts every step as soon as all its upstream steps have finished; independent branches run in parallel. */
function runAllSteps(run: RunState, context: StepContext, publishStatus: () => void): Promise<void> {
  return patched(COUNTED_SCHEDULER_PATCH) ? runStepsCounted(run, context, publishStatus) : runStepsChained(run, context, publishStatus);
}

/**
 * Each step waits for a count of unfinished upstream steps; a finishing step starts the dependents it
 * brought to zero, in spec order. The first failure ends the run (as Promise.all did); nothing new
 * starts after it.
 */
function runStepsCounted(run: RunState, context: StepContext, publishStatus: () => void): Promise<void> {
  const steps = run.spec.steps;
  const unfinishedUpstream = new Map(steps.map((step) => [step.name, step.after.length]));
  const dependents = new Map<string, StepSpec[]>(steps.map((step) => [step.name, []]));
  for (const step of steps) for (const name of step.after) dependents.get(name)?.push(step);
  return new Promise<void>((resolve, reject) => {
    let unfinished = steps.length;
    let failed = false;
    const start = (step: StepSpec): void => {
      runStep(run, step, context, publishStatus).then(
        () => {
          if (failed) return;
          unfinished -= 1;
          for (const next of dependents.get(step.name) ?? []) {
            const left = (unfinishedUpstream.get(next.name) ?? 0) - 1;
            unfinishedUpstream.set(next.name, left);
            if (left === 0) start(next);
          }
          if (unfinished === 0) resolve();
        },
        (error: unknown) => {
          failed = true;
          reject(error);
        },
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

async function runStep(run: RunState, step: StepSpec, context: StepContext, publishStatus: () => void): Promise<void> {
  const state = stepState(run, step.name);
  if (context.reuse && step.name in context.reuse.outputs) {
    markReused(state, context.reuse.outputs[step.name] ?? null, context.reuse.fromRun, new Date());
    return;
  }
  const upstream: Record<string, JsonValue | null> = {};
  for (const name of step.after) {
    const upstreamState = stepState(run, name);
    if (upstreamState.status === 'skipped' && step.whenUpstreamSkipped === 'skip') {
      markSkipped(state, `skipped because upstream step '${name}' was skipped`, new Date());
      return;
    }
    upstream[name] = upstreamState.output;
  }
  const input: StepInput = {
    run: {
      runId: context.runId,
      temporalRunId: context.temporalRunId,
      pipeline: run.spec.pipeline,
      specHash: run.spec.hash,
      trigger: run.trigger,
      params: context.params,
      logicalDate: run.logicalDate,
      step: step.name,
      ...(run.startedBy ? { startedBy: run.startedBy } : {}),
      ...(context.signatures?.[step.name] ? { signature: context.signatures[step.name] } : {}),
    },
    config: step.config,
    upstream,
  };

  if (step.approval) {
    const approval = await awaitApproval(run, step.name, step.approval.timeoutMs, publishStatus);
    input.run.approval = approval;
  }

  let cacheKey: string | null = null;
  if (step.cache && context.cache !== 'off') {
    const lookup = await lookUpCache({ activity: step.activity, input, policy: context.cache });
    if ('hit' in lookup) {
      markCached(state, lookup.hit.output, lookup.hit.runId, new Date());
      return;
    }
    state.cacheMiss = lookup.miss;
    cacheKey = lookup.key;
  }

  for (;;) {
    markRunning(state, new Date());
    try {
      const output = await executeStep(run, step, state, input);
      markSucceeded(state, output, new Date());
      await announceDeploy(run, step, output);
      if (cacheKey !== null) await recordInCache({ activity: step.activity, input, key: cacheKey, output });
      return;
    } catch (error) {
      if (isCancellation(error)) {
        state.status = 'cancelled';
        throw error;
      }
      const failure = describeFailure(error);
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
      const note = `${decision} by ${by ?? 'operator'}${reason ? `: ${reason}` : ''}`;
      if (decision === 'skip') {
        markSkipped(state, note, new Date());
        publishStatus();
        return;
      }
      state.operatorNotes.push(note);
      publishStatus();
    }
  }
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
async function announceDeploy(run: RunState, step: StepSpec, output: JsonValue | null): Promise<void> {
  if (step.activity !== 'deploy' || output === null || typeof output !== 'object' || Array.isArray(output) || output.moved !== true) return;
  const { model, alias, version, previous, weight } = output as { model: string; alias: string; version: number; previous: number | null; weight?: number | null };
  const runId = workflowInfo().workflowId;
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
  const note = `${decision === 'approve' ? 'approved' : 'rejected'} by ${by ?? 'operator'}${reason ? `: ${reason}` : ''}`;
  state.operatorNotes.push(note);
  if (decision === 'reject') throw fail('ApprovalRejected', `was ${note}`);
  state.status = 'pending';
  publishStatus();
  // An approval from before roles were recorded counts as an operator's.
  return { by: by ?? 'operator', role: role ?? 'operator', ...(signature ? { signature } : {}) };
}

/**
 * One round of a step: its executions until it succeeds, fails for good, or runs out of attempts.
 * Failures of the step count against its retry policy; infrastructure failures (a lost worker, a
 * dependency down) are retried with backoff for the pipeline's window without counting, so a crash
 * or an outage never needs an operator. An input too large for Temporal fails at once, named.
 */
async function executeStep(run: RunState, step: StepSpec, state: StepState, input: StepInput): Promise<JsonValue | null> {
  const inputBytes = jsonBytes(input);
  if (inputBytes > MAX_WORKFLOW_PAYLOAD_BYTES) {
    throw ApplicationFailure.nonRetryable(
      `step '${step.name}' cannot start: its input (config and upstream outputs) is ${inputBytes} bytes, over the ${MAX_WORKFLOW_PAYLOAD_BYTES}-byte limit of a Temporal payload`,
      'PayloadTooLarge',
    );
  }
  if (!patched(STEP_ATTEMPTS_PATCH)) {
    state.activityId = stepActivityId(step.name, state.round, 1);
    return (await activityFor(step, state.activityId, step.retry.maximumAttempts)(input)) ?? null;
  }
  const windowMs = run.spec.onFailure.infrastructureRetryWindowMs ?? DEFAULT_INFRASTRUCTURE_RETRY_WINDOW_MS;
  let attempt = 1;
  let execution = 0;
  let infrastructureSince: number | undefined;
  let infrastructureRetries = 0;
  for (;;) {
    execution += 1;
    state.attempts = attempt;
    state.activityId = stepActivityId(step.name, state.round, execution);
    try {
      const output = await activityFor(step, state.activityId, 1)({ ...input, run: { ...input.run, attempt } });
      return output ?? null;
    } catch (error) {
      if (isCancellation(error)) throw error;
      const failure = describeFailure(error);
      if (failure.infrastructure) {
        infrastructureSince ??= Date.now();
        if (Date.now() - infrastructureSince >= windowMs) throw error;
        state.infrastructureRetries = (state.infrastructureRetries ?? 0) + 1;
        state.error = failure;
        log.info('step lost to infrastructure; running it again', { step: step.name, error: failure.message });
        await sleep(infrastructureBackoffMs(infrastructureRetries++));
        continue;
      }
      infrastructureSince = undefined;
      infrastructureRetries = 0;
      if (failure.nonRetryable || attempt >= step.retry.maximumAttempts) throw error;
      state.error = failure;
      await sleep(stepBackoffMs(step.retry, attempt));
      attempt += 1;
    }
  }
}

/**
 * An activity stub with this step's own options; the activity type is the step's activity name. A
 * light step is a local activity (run by this workflow's own worker, recorded as a marker); the
 * workflow's loop around it gives it the same attempts, backoff and operator actions as any step.
 */
function activityFor(step: StepSpec, activityId: string, maximumAttempts: number): (input: StepInput) => Promise<JsonValue> {
  const retry = {
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

/** The step's own frames, as the worker sent them: at most 8 lines and 2,000 characters, so the run's state stays small. */
function trimmedStack(stack: string | undefined): string | undefined {
  const frames = (stack ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('at '));
  return frames.length > 0 ? frames.slice(0, 8).join('\n').slice(0, 2_000) : undefined;
}

function describeFailure(error: unknown): StepError {
  const cause = error instanceof ActivityFailure ? (error.cause ?? error) : error;
  if (cause instanceof ApplicationFailure) {
    const type = cause.type ?? 'Error';
    const infrastructure = type === INFRASTRUCTURE_ERROR_TYPE;
    const stack = infrastructure ? undefined : trimmedStack(cause.stack);
    return { message: cause.message, type, nonRetryable: Boolean(cause.nonRetryable) || NON_RETRYABLE_ERROR_TYPES.includes(type), infrastructure, ...(stack ? { stack } : {}) };
  }
  if (cause instanceof TimeoutFailure) {
    // A missed heartbeat means the worker is gone (a step's own silence is reported by the worker as StepStalled).
    const lostWorker = cause.timeoutType === 'HEARTBEAT';
    const message = lostWorker ? 'the worker running the step stopped heartbeating (lost worker)' : `${cause.message} (${cause.timeoutType})`;
    return { message, type: 'Timeout', nonRetryable: false, infrastructure: lostWorker };
  }
  return { message: cause instanceof Error ? cause.message : String(cause), type: 'Error', nonRetryable: false };
}
