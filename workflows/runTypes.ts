import type { PipelineSpec, JsonObject, JsonValue } from '../lib/dsl/spec';

export type RunStatus = 'running' | 'awaiting_operator' | 'succeeded' | 'failed' | 'cancelled';
export type StepStatus = 'pending' | 'awaiting_approval' | 'running' | 'awaiting_operator' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';

export interface RunInput {
  spec: PipelineSpec;
  params: JsonObject;
  /** What started the run: manual, api, cli, schedule, event, drift... */
  trigger: string;
  /** ISO time the run is about; defaults to the schedule's fire time, else the workflow's start time. */
  logicalDate?: string;
  /** A re-run: these steps are not executed again; their outputs come from run `fromRun`. */
  reuse?: { fromRun: string; outputs: Record<string, JsonValue | null> };
}

export interface StepError {
  message: string;
  /** The failure's type: an error class name such as DataError, or a timeout kind. */
  type: string;
  nonRetryable: boolean;
}

export interface StepState {
  name: string;
  activity: string;
  status: StepStatus;
  /** Executions started for this step: 1, then one more per operator retry. */
  round: number;
  startedAt: string | null;
  finishedAt: string | null;
  error: StepError | null;
  output: JsonValue | null;
  /** Who decided what, when a step was retried or skipped by an operator. */
  operatorNotes: string[];
  /** Set when the output was taken from an earlier run instead of executing the step. */
  reusedFrom: string | null;
}

export interface RunSnapshot {
  pipeline: string;
  specHash: string;
  trigger: string;
  logicalDate: string;
  status: RunStatus;
  steps: StepState[];
  abortReason: string | null;
  /** The run this one re-runs, if any. */
  rerunOf: string | null;
}

export interface RunResult {
  pipeline: string;
  status: 'succeeded';
  outputs: Record<string, JsonValue | null>;
  steps: StepState[];
}

export interface StepDecisionRequest {
  step: string;
  reason?: string;
  /** Who decided (the API passes its key's id); recorded in the step's notes. */
  by?: string;
}

export interface AbortRequest {
  reason?: string;
}
