import type { OutputRef } from '../artifacts/outputRef';
import type { StepCondition } from '../dsl/spec';

/**
 * A step's `when` on an upstream output that travelled by reference (over 32 KiB, kept in the
 * artifact store): the workflow holds only `{ $cairnOutput, size }`, so a local activity of its own
 * worker reads the output and decides, and the verdict is recorded in the run's history.
 */
export const STORED_OUTPUT_CONDITION_ACTIVITY = 'cairn-condition-on-stored-output';

/**
 * Runs recorded before this patch decided such a condition on the reference itself (a field was
 * never there), and replay keeps their decisions; runs since read the output.
 */
export const STORED_OUTPUT_CONDITION_PATCH = 'cairn-when-reads-stored-outputs';

export interface StoredOutputConditionRequest {
  /** The step whose `when` this is, for the error that names it. */
  step: string;
  condition: StepCondition;
  /** The upstream step's status and its output's reference. */
  upstream: { status: string; output: OutputRef };
}

/** Why the step must not run, or null when its condition holds (as unmetCondition says). */
export interface StoredOutputConditionVerdict {
  unmet: string | null;
}
