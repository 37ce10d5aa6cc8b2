import { QueryRejectedError, WorkflowClient, type Client, type WorkflowExecutionDescription, type WorkflowHandle } from '@temporalio/client';
import type { ArtifactStore } from '../artifacts/artifactStore';
import { isOutputRef, resolveOutput } from '../artifacts/outputRef';

/** The largest stored output a run's description reads in; a larger one stays a reference (`{ $cairnOutput, size }`). */
const MAX_RESOLVED_OUTPUT_BYTES = 1024 * 1024;
import { CAIRN_PIPELINE, CAIRN_STATUS, CAIRN_TRIGGER } from '../searchAttributes';
import { runStateQuery } from '../runContract/messages';
import { FINAL_STATE_MEMO, STARTED_BY_MEMO, TRACE_ID_MEMO, stepActivityId, type RunResult, type RunSnapshot, type RunStatus, type StepState } from '../runContract/types';
import { StarterSchema, type Starter } from '../auth/runAuthority';
import { unansweredStateText, type QueuedStep } from './queuedStep';
import { pollingOf, queuedActivities } from './queuedSteps';

export interface StepView extends StepState {
  /** Temporal's attempt number of the execution in flight (from the pending activity), when running. */
  attempt: number | null;
  lastFailure: string | null;
  /** Running, but its execution has waited in its task queue for a worker (see lib/runs/queuedStep.ts). */
  queued: QueuedStep | null;
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
  /** Who started the run (key and role, or the schedule or trigger); null for runs from before it was recorded. */
  startedBy: Starter | null;
  /** The OpenTelemetry trace the run was started in; null when tracing was off. */
  traceId: string | null;
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

/**
 * The final state a closed run recorded: a succeeded run's result, a failed or cancelled run's memo.
 * Read from Temporal alone, so it needs no worker. Undefined for runs recorded before Cairn kept it.
 */
async function recordedFinalState(handle: WorkflowHandle, description: WorkflowExecutionDescription): Promise<RunSnapshot | undefined> {
  if (description.status.name === 'COMPLETED') {
    const result = (await handle.result()) as RunResult;
    if (result.specHash === undefined || result.logicalDate === undefined || result.trigger === undefined) return undefined;
    return {
      pipeline: result.pipeline,
      specHash: result.specHash,
      trigger: result.trigger,
      logicalDate: result.logicalDate,
      status: 'succeeded',
      steps: result.steps.map((s) => ({ ...s, output: result.outputs[s.name] ?? null })),
      abortReason: result.abortReason ?? null,
      rerunOf: result.rerunOf ?? null,
    };
  }
  return description.memo?.[FINAL_STATE_MEMO] as RunSnapshot | undefined;
}

/**
 * A run's state: as recorded when it closed (no worker needed), else from the workflow's state query
 * (a worker replays it). Throws when neither can be had (an open run with no worker answering).
 */
export async function readRunState(client: Client, runId: string, description?: WorkflowExecutionDescription, queryTimeoutMs = 5_000): Promise<RunSnapshot> {
  const handle = client.workflow.getHandle(runId);
  const described = description ?? (await handle.describe());
  if (described.status.name !== 'RUNNING') {
    const recorded = await recordedFinalState(handle, described).catch(() => undefined);
    if (recorded) return recorded;
  }
  return client.connection.withDeadline(Date.now() + queryTimeoutMs, () => handle.query(runStateQuery));
}

/**
 * The same client, except that the server itself refuses a query to a closed run (queryRejectCondition
 * NOT_OPEN) instead of handing it to a worker to replay the run's whole history: what lets a run's
 * view ask for the live state before it knows whether the run is still open.
 */
const openRunClients = new WeakMap<Client, WorkflowClient>();
function openRunsOnly(client: Client): WorkflowClient {
  let openOnly = openRunClients.get(client);
  if (!openOnly) {
    const { namespace, dataConverter, interceptors } = client.workflow.options;
    openOnly = new WorkflowClient({ connection: client.connection, namespace, dataConverter, interceptors, queryRejectCondition: 'NOT_OPEN' });
    openRunClients.set(client, openOnly);
  }
  return openOnly;
}

/** A run's description, and its state or why it could not be had (`stateError`: no worker answered). */
export interface DescribedRunState {
  description: WorkflowExecutionDescription;
  state: RunSnapshot | undefined;
  stateError?: unknown;
}

/**
 * A run's description and its state, asked for at once (one round trip, not two, for the open runs
 * people watch); a closed run's state is then read from what it recorded, as readRunState does. Throws
 * only what the description throws (an unknown run).
 */
export async function describeRunState(client: Client, runId: string, queryTimeoutMs = 5_000): Promise<DescribedRunState> {
  const liveState = client.connection
    .withDeadline(Date.now() + queryTimeoutMs, () => openRunsOnly(client).getHandle(runId).query(runStateQuery))
    .then((state) => ({ state }), (error: unknown) => ({ error }));
  const description = await client.workflow.getHandle(runId).describe();
  const live = await liveState;
  try {
    if (description.status.name !== 'RUNNING') return { description, state: await readRunState(client, runId, description, queryTimeoutMs) };
    if ('state' in live) return { description, state: live.state };
    // Closed between the two calls: read what it recorded.
    if (live.error instanceof QueryRejectedError) return { description, state: await readRunState(client, runId, undefined, queryTimeoutMs) };
    throw live.error;
  } catch (error) {
    return { description, state: undefined, stateError: error };
  }
}

/** Why the state query went unanswered, in words: what the query said, and whether any worker polls the run's task queue. */
async function whyStateUnavailable(client: Client, description: WorkflowExecutionDescription, stateError: unknown): Promise<string> {
  const reason = stateError instanceof Error ? stateError.message : String(stateError);
  // Asked only after the query failed, and never a reason for the view to fail.
  const polling = await pollingOf(client, description.taskQueue, 'workflow').catch(() => null);
  return unansweredStateText(reason, description.taskQueue, polling);
}

/** Everything known about one run: Temporal's description, the workflow's state (recorded or live), and attempts in flight. */
export async function describeRun(client: Client, runId: string, options: { artifacts?: ArtifactStore; queryTimeoutMs?: number; pipelinesQueue?: string } = {}): Promise<RunView> {
  const { description, state: snapshot, stateError } = await describeRunState(client, runId, options.queryTimeoutMs);
  const stepsUnavailable = stateError === undefined ? undefined : await whyStateUnavailable(client, description, stateError);
  const pending = new Map(
    (description.raw.pendingActivities ?? []).map((a) => [a.activityId ?? '', a] as const),
  );
  // Extra words about a step, never a reason for the view to fail.
  const queued = await queuedActivities(client, [...pending.values()], options.pipelinesQueue).catch(() => new Map<string, QueuedStep>());
  // Large outputs travelled by reference; a reader sees the output itself (or the reference, if it
  // cannot be read, or if it is too large to answer with: a 10,000-item map's results, say).
  const artifacts = options.artifacts;
  if (snapshot && artifacts) {
    for (const step of snapshot.steps) {
      if (isOutputRef(step.output) && step.output.size > MAX_RESOLVED_OUTPUT_BYTES) continue;
      step.output = await resolveOutput(step.output, artifacts).catch(() => step.output);
    }
  }
  const steps = snapshot?.steps.map((step): StepView => {
    const activityId = step.activityId ?? stepActivityId(step.name, step.round);
    const inFlight = pending.get(activityId);
    return {
      ...step,
      // Attempts are counted by the workflow (one activity attempt per execution) since that was introduced.
      attempt: inFlight ? (step.attempts ?? inFlight.attempt ?? null) : null,
      lastFailure: inFlight?.lastFailure?.message ?? null,
      queued: queued.get(activityId) ?? null,
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
    startedBy: StarterSchema.safeParse(description.memo?.[STARTED_BY_MEMO]).data ?? null,
    traceId: typeof description.memo?.[TRACE_ID_MEMO] === 'string' ? description.memo[TRACE_ID_MEMO] : null,
    steps: steps ?? null,
    ...(stepsUnavailable ? { stepsUnavailable } : {}),
  };
}
