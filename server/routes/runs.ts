import { PipelineIdSchema, TriggerNameSchema } from '../../lib/ids';
import { z } from 'zod';
import { signApproval } from '../../lib/auth/runAuthority';
import { issuerOf } from '../security/runIssuer';
import { cairnStatusOf, describeRun, describeRunState } from '../../lib/runs/describeRun';
import { runTimeline } from '../../lib/runs/stepTimeline';
import { listRuns, RUN_STATUSES } from '../../lib/runs/listRuns';
import { rerunFromStep } from '../../lib/runs/rerunFromStep';
import { listRunArtifacts } from '../../lib/store/runArtifacts';
import { readStepLogs } from '../../lib/store/stepLogsTable';
import { runDeliveries } from '../../lib/store/notificationDeliveriesTable';
import { abortRunUpdate, approveStepUpdate, rejectStepUpdate, retryStepUpdate, skipStepUpdate } from '../../lib/runContract/messages';
import { stateQueryTimeoutMs, type AppDeps } from '../deps';
import { HttpError } from '../httpErrors';
import { RunId, StepName } from '../pathParams';
import { storePool } from '../requireStore';
import { AbortingSchema, CancellingSchema, RerunSchema, RunArtifactsSchema, RunListSchema, RunNotificationsSchema, RunTimelineSchema, RunViewSchema, StepDecisionSchema, StepLogsSchema } from '../responses/runs';
import { defineRoute } from '../routeDef';
import { runLinks } from './runLinks';

const ReasonBody = z.strictObject({ reason: z.string().max(500).optional() });
/** Retry and skip may name one item of a mapped step, by its index in the map's list. */
const OperatorDecisionBody = ReasonBody.extend({ item: z.number().int().min(0).optional() });
const RerunBody = z.strictObject({ fromStep: StepName });
const RunListQuery = z.strictObject({
  pipeline: PipelineIdSchema.optional(),
  status: z.enum(RUN_STATUSES).optional(),
  trigger: TriggerNameSchema.optional(),
  since: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
const LogsQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});
const RunParams = z.object({ runId: RunId });
const StepParams = z.object({ runId: RunId, step: StepName });

/** Runs: list, inspect, act on a step awaiting an operator, abort, cancel, re-run. */
export function runRoutes(deps: AppDeps) {
  /** A handle to a run that is still open: 404 for an unknown run, 409 for a finished one. */
  const openRun = async (id: string) => {
    const handle = deps.client.workflow.getHandle(id);
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING') {
      // Temporal's closed status, in Cairn's words (a cancelled run, not CANCELED).
      throw new HttpError(409, 'conflict', `run ${id} has finished (${cairnStatusOf(description)}) and takes no more decisions; to run its steps again: cairn rerun ${id} --from <step>`);
    }
    return handle;
  };
  const stepLogs = async (runId: string, step: string | undefined, after: number, limit: number) => {
    const { lines, trimmed } = await readStepLogs(storePool(deps), { runId, ...(step ? { step } : {}), afterId: after, limit });
    return { runId, step: step ?? null, lines, trimmed, next: lines.at(-1)?.id ?? after };
  };
  const DECISIONS = {
    retry: { update: retryStepUpdate, access: 'operator', summary: 'Run a step that awaits an operator again (or, with `item`, one item of a mapped step)', waiting: 'awaiting an operator' },
    skip: { update: skipStepUpdate, access: 'operator', summary: 'Skip a step that awaits an operator (or, with `item`, one item of a mapped step)', waiting: 'awaiting an operator' },
    approve: { update: approveStepUpdate, access: 'admin', summary: 'Approve a step that waits for approval (e.g. a deploy): it runs', waiting: 'awaiting approval' },
    reject: { update: rejectStepUpdate, access: 'admin', summary: 'Reject a step that waits for approval: it and the run fail', waiting: 'awaiting approval' },
  } as const;
  const stepDecision = (decision: keyof typeof DECISIONS) =>
    defineRoute({
      method: 'POST',
      path: `/api/v1/runs/:runId/steps/:step/${decision}`,
      access: DECISIONS[decision].access,
      summary: DECISIONS[decision].summary,
      params: StepParams,
      body: OperatorDecisionBody,
      response: StepDecisionSchema,
      responses: { 200: 'decision accepted', 404: 'no such run', 409: `the step is not ${DECISIONS[decision].waiting}, or the run is finished` },
      handler: async (c, { params: { runId, step }, body: { reason, item } }) => {
        const handle = await openRun(runId);
        // With no keys configured every caller is 'anonymous': the note then says "by operator".
        const keyId = c.get('apiKeyId') as string;
        const role = c.get('apiRole');
        const by = keyId === 'anonymous' ? 'operator' : `api key ${keyId}`;
        // An approval carries the approver's role into the step, signed, so a deploy can tell an admin's approval from a forged one.
        const secret = deps.security?.specSecret;
        const signature = decision === 'approve' && secret ? { signature: signApproval(secret, { runId, step, by, role }) } : {};
        const request = { step, by, role, ...signature, ...(reason ? { reason } : {}), ...(item === undefined ? {} : { item }) };
        const state = await handle.executeUpdate(DECISIONS[decision].update, { args: [request] });
        return c.json({ runId, step: state });
      },
    });

  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/runs',
      access: 'viewer',
      summary: 'Runs, newest first, filtered by pipeline, status, trigger and start time',
      query: RunListQuery,
      response: RunListSchema,
      responses: { 200: 'the runs', 422: 'a bad filter, named' },
      handler: async (c, { query }) => c.json({ runs: await listRuns(deps.client, query) }),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/runs/:runId',
      access: 'viewer',
      summary: 'A run: status and every step',
      params: RunParams,
      response: RunViewSchema,
      responses: { 200: 'the run', 404: 'no such run' },
      handler: async (c, { params: { runId } }) => c.json({ ...(await describeRun(deps.client, runId, { pipelinesQueue: deps.taskQueue, queryTimeoutMs: stateQueryTimeoutMs(deps.security), ...(deps.artifacts ? { artifacts: deps.artifacts } : {}) })), links: runLinks(deps, runId) }),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/runs/:runId/timeline',
      access: 'viewer',
      summary: "The run's graph as it was started (each step and the steps it waits for) and every execution of every step, from its Temporal history: when it was scheduled, started and closed, and how it ended",
      params: RunParams,
      response: RunTimelineSchema,
      responses: { 200: 'the executions, in the order they were scheduled', 404: 'no such run' },
      handler: async (c, { params: { runId } }) => {
        // An open run whose worker does not answer still has a history: its activity tasks are drawn, the rest waits.
        const { state } = await describeRunState(deps.client, runId, stateQueryTimeoutMs(deps.security)); // an unknown run is a 404
        return c.json({ runId, ...(await runTimeline(deps.client, runId, state?.steps ?? [])) });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/runs/:runId/artifacts',
      access: 'viewer',
      summary: "The artifacts a run's steps recorded",
      params: RunParams,
      response: RunArtifactsSchema,
      responses: { 200: 'the artifacts', 503: 'no metadata store configured' },
      handler: async (c, { params: { runId } }) => {
        return c.json({ runId, artifacts: await listRunArtifacts(storePool(deps), runId) });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/runs/:runId/logs',
      access: 'viewer',
      summary: "What a run's steps logged through their `log`, oldest first, all steps interleaved; `after` pages on",
      params: RunParams,
      query: LogsQuery,
      response: StepLogsSchema,
      responses: { 200: 'the lines after `after` (an empty list when there are none yet)', 503: 'no metadata store configured' },
      handler: async (c, { params: { runId }, query: { after, limit } }) => c.json(await stepLogs(runId, undefined, after, limit)),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/runs/:runId/steps/:step/logs',
      access: 'viewer',
      summary: 'What one step of a run logged through its `log`, every attempt, oldest first; `after` pages on',
      params: StepParams,
      query: LogsQuery,
      response: StepLogsSchema,
      responses: { 200: 'the lines after `after` (an empty list when there are none yet)', 503: 'no metadata store configured' },
      handler: async (c, { params: { runId, step }, query: { after, limit } }) => c.json(await stepLogs(runId, step, after, limit)),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/runs/:runId/notifications',
      access: 'viewer',
      summary: "The run's notifications (a failure, a step awaiting an operator or approval, a promotion) and their delivery to each target: attempts, last answer, delivered or not",
      params: RunParams,
      response: RunNotificationsSchema,
      responses: { 200: 'the deliveries, oldest first (an empty list when nothing was announced)', 503: 'no metadata store configured' },
      handler: async (c, { params: { runId } }) => c.json({ runId, deliveries: await runDeliveries(storePool(deps), runId) }),
    }),
    stepDecision('retry'),
    stepDecision('skip'),
    stepDecision('approve'),
    stepDecision('reject'),
    defineRoute({
      method: 'POST',
      path: '/api/v1/runs/:runId/abort',
      access: 'operator',
      summary: 'End a run as failed, cancelling its running steps',
      params: RunParams,
      body: ReasonBody,
      response: AbortingSchema,
      responses: { 200: 'aborting', 404: 'no such run', 409: 'the run is finished' },
      handler: async (c, { params: { runId }, body: { reason } }) => {
        const snapshot = await (await openRun(runId)).executeUpdate(abortRunUpdate, { args: [reason ? { reason } : {}] });
        return c.json({ runId, status: 'aborting', abortReason: snapshot.abortReason });
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/runs/:runId/cancel',
      access: 'operator',
      summary: 'Cancel a run; its running steps are cancelled',
      params: RunParams,
      response: CancellingSchema,
      status: 202,
      responses: { 202: 'cancelling', 404: 'no such run', 409: 'the run is finished' },
      handler: async (c, { params: { runId } }) => {
        await (await openRun(runId)).cancel();
        return c.json({ runId, status: 'cancelling' }, 202);
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/runs/:runId/rerun',
      access: 'operator',
      rateLimited: true,
      summary: 'Start a new run from a step, reusing the outputs of the other steps that succeeded',
      params: RunParams,
      body: RerunBody,
      response: RerunSchema,
      status: 201,
      responses: { 201: 're-run started', 404: 'no such run', 422: 'no such step' },
      handler: async (c, { params: { runId }, body: { fromStep } }) => {
        const rerun = await rerunFromStep(deps.client, runId, fromStep, deps.taskQueue, issuerOf(c, deps));
        const { handle: _handle, ...body } = rerun;
        return c.json({ ...body, links: runLinks(deps, rerun.runId) }, 201);
      },
    }),
  ] as const;
}
