import type { Approval, Starter } from '../auth/runAuthority';
import type { JsonObject, JsonValue } from './spec';

/** What the run tells each step about itself. */
export interface RunContext {
  /** Cairn's run id: the Temporal workflow id (`cairn:<pipeline>:<trigger>:<key>`). */
  runId: string;
  temporalRunId: string;
  pipeline: string;
  specHash: string;
  trigger: string;
  params: JsonObject;
  /** The time the run is "about" (a schedule's fire time); the start time for manual runs. ISO 8601. */
  logicalDate: string;
  step: string;
  /**
   * This execution's attempt at the step, from 1, counting only failures of the step itself (a lost
   * worker or an unavailable dependency does not count). Absent in runs started before it existed.
   */
  attempt?: number;
  /** Who started the run (its steps act with that authority); absent in runs started before it was recorded. */
  startedBy?: Starter;
  /** The API's signature over this step's spec and starter; workers with CAIRN_SPEC_SECRET check it. */
  signature?: string;
  /** For a step that waited for approval: who approved it, with which role. */
  approval?: Approval;
}

/** The single argument of every step activity. */
export interface StepInput {
  run: RunContext;
  config: JsonObject;
  /** Outputs of the upstream steps by step name; null for a step an operator skipped. */
  upstream: Record<string, JsonValue | null>;
  /**
   * For a mapped step (or a step of a mapped sub-pipeline): the item this execution is for, by its
   * index in the list. With the map's `as: 'config'`, the worker has merged it over `config` already.
   */
  item?: { index: number; value: JsonValue; as?: 'config' };
}

/** Small JSON: artifact references, metrics, a few values. Never bulk data. */
export type StepOutput = JsonValue;
