import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, startChild, workflowInfo } from '@temporalio/workflow';
import type { JsonValue, StepSpec } from '../lib/dsl/spec';
import type { CanaryAnalysisInput } from '../lib/runContract/canary';
import { canaryAnalysis } from './canaryAnalysis';

/** The canary analysis a deploy step's output asks for, or null (every other step, and a plain deploy). */
export function canaryToStart(step: StepSpec, output: JsonValue | null): CanaryAnalysisInput | null {
  if (step.activity !== 'deploy' || output === null || typeof output !== 'object' || Array.isArray(output) || !output.canary) return null;
  const canary = output.canary as unknown as Omit<CanaryAnalysisInput, 'model' | 'candidate'>;
  return { ...canary, model: output.model as string, candidate: output.version as number };
}

/**
 * Hands a canary to its analysis: a workflow of its own that outlives the run (the run ends when the
 * canary is out; the analysis decides over the hours that follow). Started once: a retried start
 * finds it running.
 */
export async function startCanaryAnalysis(input: CanaryAnalysisInput): Promise<void> {
  try {
    await startChild(canaryAnalysis, {
      workflowId: input.analysisId,
      taskQueue: workflowInfo().taskQueue,
      args: [input],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}
