import type { Approval, Starter } from '../auth/runAuthority';
import type { DriftThresholdsInput } from '../drift/driftReport';
import type { PipelineSpec, JsonObject, JsonValue } from '../dsl/spec';
import type { CachePolicy } from './stepCache';
import type { MapProgress } from './map';

export type RunStatus = 'running' | 'awaiting_operator' | 'succeeded' | 'failed' | 'cancelled';
/** The statuses a run ends in. */
export const FINISHED_RUN_STATUSES: ReadonlySet<string> = new Set<RunStatus>(['succeeded', 'failed', 'cancelled']);
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
  /** Who started the run: its steps act with this authority. Absent in runs started before it was recorded. */
  startedBy?: Starter;
  /** Per step, the API's signature over what the step does and who started it (with CAIRN_SPEC_SECRET). */
  signatures?: Record<string, string>;
  /** How the run uses the step cache (cacheable steps only); absent means 'use'. */
  cache?: CachePolicy;
}

export interface StepError {
  message: string;
  /** The failure's type: an error class name such as DataError, or a timeout kind. */
  type: string;
  nonRetryable: boolean;
  /** A lost worker or an unavailable dependency, not a failure of the step: retried without an operator. */
  infrastructure?: boolean;
  /** Where the step's code threw (the first frames of its stack, as the worker sent them). */
  stack?: string;
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
  /** Attempts at the step in this round (failures of the step itself; infrastructure failures do not count). */
  attempts?: number;
  /** Executions of this step lost to infrastructure (a lost worker, a dependency down) and run again. */
  infrastructureRetries?: number;
  /** The Temporal activity id of the execution in flight or last run. */
  activityId?: string | null;
  /** A light step: it runs as a local activity (a marker in the history, not an activity task). */
  local?: boolean;
  /** Set when the output came from the step cache: the run that produced it (the step did not execute). */
  cachedFrom?: string;
  /** For a cacheable step that executed: why the cache had nothing usable. */
  cacheMiss?: string;
  /** For a mapped step: its items' progress (counts, and the items that need or had attention). */
  map?: MapProgress;
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
  /** Who started the run; null for runs started before it was recorded. */
  startedBy?: Starter | null;
}

/** The memo key under which every run keeps who started it (a Starter), readable without a worker. */
export const STARTED_BY_MEMO = 'cairnStartedBy';

/** The memo key under which a failed or cancelled run keeps its final state (a RunSnapshot). */
export const FINAL_STATE_MEMO = 'cairnFinalState';
/** The OpenTelemetry trace a run was started in (the API request's), when tracing is on. */
export const TRACE_ID_MEMO = 'cairnTraceId';

/** A step as the workflow's result and failure details record it: its output is in `outputs`, once. */
export type StepRecord = Omit<StepState, 'output'>;

export interface RunResult extends Partial<Omit<RunSnapshot, 'pipeline' | 'status' | 'steps'>> {
  pipeline: string;
  status: 'succeeded';
  /** Each step's output (large ones as references to the artifact store); omitted when too large to return. */
  outputs: Record<string, JsonValue | null>;
  steps: StepRecord[];
  /** Set when `outputs` was left out to keep the result under Temporal's payload limit (the run's state query has them). */
  outputsOmitted?: boolean;
}

export interface StepDecisionRequest {
  step: string;
  /** One item of a mapped step (retry and skip only): its index in the map's list. */
  item?: number;
  reason?: string;
  /** Who decided (the API passes its key's id); recorded in the step's notes. */
  by?: string;
  /** The decider's role, and for an approval the API's signature over it (see lib/auth/runAuthority). */
  role?: Approval['role'];
  signature?: string;
}

export interface AbortRequest {
  reason?: string;
}

/** The workflow type every run is: what a client starts and awaits (workflows/runPipeline implements it). */
export type RunPipelineWorkflow = (input: RunInput) => Promise<RunResult>;

/** The marker a state snapshot puts in place of an output too large to keep in it, with the output's size. */
export const OMITTED_OUTPUT = '$cairnOutputOmitted';

/** The activity id of one execution of a step: `<step>#<round>`, then `.<n>` for each execution after the first. */
export function stepActivityId(step: string, round: number, execution = 1): string {
  return execution <= 1 ? `${step}#${round}` : `${step}#${round}.${execution}`;
}

/** What the drift watcher (workflows/watchDrift) is started with, by its schedule. */
export interface WatchDriftInput {
  /** The pipeline that retrains the model, with the run input compiled when schedules were synced. */
  pipeline: string;
  retrain: RunInput;
  model: string;
  alias: string;
  windowMs: number;
  minRows: number;
  maxRows: number;
  cooldownMs: number;
  thresholds: DriftThresholdsInput;
  /** A production-feedback retrain: drift with fewer labelled predictions than this in the window starts none. */
  feedback?: { windowMs: number; minLabelled: number };
}
