import { ParentClosePolicy, WorkflowIdReusePolicy, log, patched, proxyActivities, startChild, workflowInfo } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { DriftActivities } from '../activities/driftActivities';
import { NON_RETRYABLE_ERROR_TYPES } from '../lib/errors';
import { CAIRN_PIPELINE, CAIRN_STATUS, CAIRN_TRIGGER } from '../lib/searchAttributes';
import { announce } from './notify';
import { runPipeline } from './runPipeline';

/** Watchers since this patch announce drift (notifications). */
const NOTIFICATIONS_PATCH = 'cairn-notifications';
import type { WatchDriftInput } from '../lib/runContract/types';

export interface WatchDriftResult {
  reportId: number | null;
  status: 'checked' | 'insufficient-data' | 'not-deployed';
  drifted: boolean;
  driftedFeatures: string[];
  /** The retrain this drift led to: started by this watcher, or already started within the cooldown. */
  retrain: { workflowId: string; startedHere: boolean } | null;
  /** Why drift started no retrain (too few labelled predictions for a production-feedback retrain). */
  retrainSkipped?: string;
}

const { checkDrift, checkFeedback, claimRetrain } = proxyActivities<DriftActivities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES },
});

/**
 * One look at a served model: compares its recent inputs with its training data, stores the report,
 * and on drift starts the retraining pipeline (trigger=drift) unless a retrain already started
 * within the cooldown. The retrain runs on as its own workflow after this one ends.
 */
export async function watchDrift(input: WatchDriftInput): Promise<WatchDriftResult> {
  const check = await checkDrift({
    model: input.model,
    alias: input.alias,
    windowMs: input.windowMs,
    minRows: input.minRows,
    maxRows: input.maxRows,
    thresholds: input.thresholds,
    now: new Date().toISOString(),
  });
  const result: WatchDriftResult = { reportId: check.reportId, status: check.status, drifted: check.drifted, driftedFeatures: check.driftedFeatures, retrain: null };
  if (!check.drifted || check.reportId === null) return result;
  if (patched(NOTIFICATIONS_PATCH)) {
    await announce({
      id: `${workflowInfo().runId}:drift-report-${check.reportId}`,
      kind: 'drift.detected',
      at: new Date().toISOString(),
      runId: null,
      pipeline: input.pipeline,
      summary: `drift in ${input.model} (${input.alias}): ${check.driftedFeatures.join(', ') || 'its predictions'} (report ${check.reportId}); ${input.pipeline} retrains unless one did within the cooldown`,
      commands: [`cairn drift-report ${input.model}`, `cairn rollback ${input.model} --alias ${input.alias}`],
      details: { model: input.model, alias: input.alias, reportId: check.reportId, driftedFeatures: check.driftedFeatures },
    }).catch((error: Error) => log.warn('drift notification not announced', { error: error.message }));
  }
  if (input.feedback) {
    // Only watchers of production-feedback triggers (which no earlier history has) make this call.
    const labels = await checkFeedback({ model: input.model, reportId: check.reportId, windowMs: input.feedback.windowMs, minLabelled: input.feedback.minLabelled, now: new Date().toISOString() });
    if (!labels.enough) {
      log.info('drift, but too few labelled predictions to retrain on', { model: input.model, labelled: labels.labelled });
      return { ...result, retrainSkipped: labels.reason ?? 'too few labelled predictions' };
    }
  }
  const claim = await claimRetrain({ model: input.model, pipeline: input.pipeline, reportId: check.reportId, cooldownMs: input.cooldownMs });
  if (!claim.claimed) {
    log.info('drift seen again within the cooldown; no second retrain', { model: input.model, retrain: claim.workflowId });
    return { ...result, retrain: { workflowId: claim.workflowId, startedHere: false } };
  }
  try {
    await startChild(runPipeline, {
      workflowId: claim.workflowId,
      taskQueue: workflowInfo().taskQueue,
      args: [{ ...input.retrain, trigger: 'drift' }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      staticSummary: `retrain ${input.model} after drift in ${check.driftedFeatures.join(', ') || 'its predictions'} (report ${check.reportId})`.slice(0, 400),
      typedSearchAttributes: [
        { key: CAIRN_PIPELINE, value: input.pipeline },
        { key: CAIRN_TRIGGER, value: 'drift' },
        { key: CAIRN_STATUS, value: 'running' },
      ],
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  return { ...result, retrain: { workflowId: claim.workflowId, startedHere: true } };
}
