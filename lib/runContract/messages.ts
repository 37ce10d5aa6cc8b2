import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { AbortRequest, RunSnapshot, StepDecisionRequest, StepState } from './types';

/** Live state of the run and every step. */
export const runStateQuery = defineQuery<RunSnapshot>('runState');
/** Runs a step that is awaiting an operator once more. */
export const retryStepUpdate = defineUpdate<StepState, [StepDecisionRequest]>('retryStep');
/** Gives up on a step that is awaiting an operator; downstream steps follow the spec's whenUpstreamSkipped. */
export const skipStepUpdate = defineUpdate<StepState, [StepDecisionRequest]>('skipStep');
/** Ends the run as failed, cancelling whatever is running. */
export const abortRunUpdate = defineUpdate<RunSnapshot, [AbortRequest]>('abortRun');
/** Lets a step that waits for approval run. */
export const approveStepUpdate = defineUpdate<StepState, [StepDecisionRequest]>('approveStep');
/** Refuses a step that waits for approval: the step fails (ApprovalRejected) and so does the run. */
export const rejectStepUpdate = defineUpdate<StepState, [StepDecisionRequest]>('rejectStep');
