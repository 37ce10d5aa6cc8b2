import { ApplicationFailure, CancellationScope, condition, isCancellation, log, patched, proxySinks, setHandler, upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { CAIRN_STATUS, TEMPORAL_SCHEDULED_START_TIME } from '../lib/searchAttributes';
import { abortRunUpdate, approveStepUpdate, rejectStepUpdate, retryStepUpdate, runStateQuery, skipStepUpdate } from '../lib/runContract/messages';
import { mapItemKey } from '../lib/runContract/map';
import { jsonBytes } from './jsonBytes';
import type { RunMetricsSinks } from './metricsSink';
import { MAX_WORKFLOW_PAYLOAD_BYTES } from './stepAttempts';
import { assertAwaitingApproval, assertAwaitingOperator, assertRunOpen, boundedSnapshot, createRunState, runStatus, settleEndedRun, snapshot, stepState, type RunState } from './runState';
import { runAllSteps, STEP_ATTEMPTS_PATCH } from './runSteps';
import { announceFromRun } from './announceFromRun';
import { RunAborted } from './stepFailure';
import { FINAL_STATE_MEMO, type AbortRequest, type RunInput, type RunResult, type RunStatus, type StepRecord, type StepState } from '../lib/runContract/types';

const { runMetrics } = proxySinks<RunMetricsSinks>();

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
      ({ step, item, reason, by, role, signature }) => {
        // A decision on one item of a map is keyed by the item; the map's loop takes it.
        run.decisions.set(item === undefined ? step : mapItemKey(step, item), { decision, reason: reason?.trim() ?? '', by: by?.trim() || null, ...(role ? { role } : {}), ...(signature ? { signature } : {}) });
        return stepState(run, step);
      },
      { validator: ({ step, item }) => validate(run, step, item) },
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
  const context = { runId: info.workflowId, temporalRunId: info.runId, params: input.params, reuse: input.reuse, signatures: input.signatures, cache: input.cache ?? 'use', pathPrefix: '' };
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
      settleEndedRun(run, 'cancelled');
      publishStatus();
      recordFinalState(run);
      runMetrics.finished(run.spec.pipeline, run.trigger, 'cancelled');
      throw error;
    }
    run.finalStatus = 'failed';
    if (run.abortReason !== null) settleEndedRun(run, 'aborted');
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

