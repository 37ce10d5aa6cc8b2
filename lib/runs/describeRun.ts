import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import { CAIRN_PIPELINE, CAIRN_STATUS, CAIRN_TRIGGER } from '../searchAttributes';
import { runStateQuery } from '../../workflows/messages';
import type { RunSnapshot, RunStatus, StepState } from '../../workflows/runTypes';

export interface StepView extends StepState {
  /** Temporal's attempt number of the execution in flight (from the pending activity), when running. */
  attempt: number | null;
  lastFailure: string | null;
}

export interface RunView {
  runId: string;
  temporalRunId: string;
  pipeline: string | null;
  trigger: string | null;
  status: RunStatus;
  temporalStatus: string;
  startTime: string;
  closeTime: string | null;
  logicalDate: string | null;
  specHash: string | null;
  abortReason: string | null;
  /** null when the run's state could not be queried (no worker answered). */
  steps: StepView[] | null;
  stepsUnavailable?: string;
}

const CLOSED_STATUS: Record<string, RunStatus> = {
  COMPLETED: 'succeeded',
  FAILED: 'failed',
  TERMINATED: 'failed',
  TIMED_OUT: 'failed',
  CANCELLED: 'cancelled',
  CONTINUED_AS_NEW: 'running',
};

/** The run's status: Temporal's own once closed (a terminated run never updates CairnStatus), else CairnStatus. */
export function cairnStatusOf(description: Pick<WorkflowExecutionDescription, 'status' | 'typedSearchAttributes'>): RunStatus {
  const closed = CLOSED_STATUS[description.status.name];
  if (closed) return closed;
  return (description.typedSearchAttributes.get(CAIRN_STATUS) as RunStatus | undefined) ?? 'running';
}

/** Everything known about one run: Temporal's description, the workflow's live state, and attempts in flight. */
export async function describeRun(client: Client, runId: string, queryTimeoutMs = 5_000): Promise<RunView> {
  const handle = client.workflow.getHandle(runId);
  const description = await handle.describe();
  let snapshot: RunSnapshot | undefined;
  let stepsUnavailable: string | undefined;
  try {
    snapshot = await client.connection.withDeadline(Date.now() + queryTimeoutMs, () => handle.query(runStateQuery));
  } catch (error) {
    stepsUnavailable = `no worker answered the state query: ${(error as Error).message}`;
  }
  const pending = new Map(
    (description.raw.pendingActivities ?? []).map((a) => [a.activityId ?? '', a] as const),
  );
  const steps = snapshot?.steps.map((step): StepView => {
    const inFlight = pending.get(`${step.name}#${step.round}`);
    return {
      ...step,
      attempt: inFlight?.attempt ?? null,
      lastFailure: inFlight?.lastFailure?.message ?? null,
    };
  });
  return {
    runId,
    temporalRunId: description.runId,
    pipeline: description.typedSearchAttributes.get(CAIRN_PIPELINE) ?? null,
    trigger: description.typedSearchAttributes.get(CAIRN_TRIGGER) ?? null,
    status: cairnStatusOf(description),
    temporalStatus: description.status.name,
    startTime: description.startTime.toISOString(),
    closeTime: description.closeTime?.toISOString() ?? null,
    logicalDate: snapshot?.logicalDate ?? null,
    specHash: snapshot?.specHash ?? null,
    abortReason: snapshot?.abortReason ?? null,
    steps: steps ?? null,
    ...(stepsUnavailable ? { stepsUnavailable } : {}),
  };
}
