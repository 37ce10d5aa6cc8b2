import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { describeIssues } from '../../lib/dsl/compile';
import { describeRun } from '../../lib/runs/describeRun';
import { listRuns, RUN_STATUSES } from '../../lib/runs/listRuns';
import { rerunFromStep } from '../../lib/runs/rerunFromStep';
import { listRunArtifacts } from '../../lib/store/runArtifacts';
import { abortRunUpdate, retryStepUpdate, skipStepUpdate } from '../../workflows/messages';
import type { AppDeps } from '../deps';
import { HttpError } from '../httpErrors';
import { jsonBody } from '../validate';
import { runLinks } from './runLinks';

const ReasonBody = z.strictObject({ reason: z.string().max(500).optional() });
const RerunBody = z.strictObject({ fromStep: z.string() });
const RunListQuery = z.strictObject({
  pipeline: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'a pipeline id').optional(),
  status: z.enum(RUN_STATUSES).optional(),
  since: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
const RUN_ID = /^[\w:.-]{1,255}$/;
const STEP_NAME = /^[a-zA-Z][a-zA-Z0-9_-]{0,62}$/;

/** Operations on one run: inspect it, and act on a step awaiting an operator, or on the whole run. */
export function runRoutes(deps: AppDeps) {
  const runId = (raw: string) => {
    if (!RUN_ID.test(raw)) throw new HttpError(400, 'invalid_run_id', 'run ids are letters, digits and : . _ -');
    return raw;
  };
  const stepName = (raw: string) => {
    if (!STEP_NAME.test(raw)) throw new HttpError(400, 'invalid_step', 'step names are letters, digits, _ and -');
    return raw;
  };
  /** A handle to a run that is still open: 404 for an unknown run, 409 for a finished one. */
  const openRun = async (id: string) => {
    const handle = deps.client.workflow.getHandle(id);
    const description = await handle.describe();
    if (description.status.name !== 'RUNNING') {
      throw new HttpError(409, 'conflict', `run is ${description.status.name.toLowerCase()}, not running`);
    }
    return handle;
  };
  const stepDecision = (update: typeof retryStepUpdate) => async (c: Context) => {
    const id = runId(c.req.param('runId') ?? '');
    const step = stepName(c.req.param('step') ?? '');
    const { reason } = await jsonBody(c, ReasonBody);
    const handle = await openRun(id);
    const state = await handle.executeUpdate(update, { args: [{ step, ...(reason ? { reason } : {}) }] });
    return c.json({ runId: id, step: state });
  };

  return new Hono()
    .get('/', async (c) => {
      const parsed = RunListQuery.safeParse(c.req.query());
      if (!parsed.success) throw new HttpError(422, 'invalid_query', 'invalid query', describeIssues(parsed.error));
      return c.json({ runs: await listRuns(deps.client, parsed.data) });
    })
    .get('/:runId', async (c) => {
      const id = runId(c.req.param('runId'));
      return c.json({ ...(await describeRun(deps.client, id)), links: runLinks(deps, id) });
    })
    .get('/:runId/artifacts', async (c) => {
      const id = runId(c.req.param('runId'));
      if (!deps.store) throw new HttpError(503, 'store_unavailable', 'no metadata store is configured');
      return c.json({ runId: id, artifacts: await listRunArtifacts(deps.store.pool, id) });
    })
    .post('/:runId/steps/:step/retry', stepDecision(retryStepUpdate))
    .post('/:runId/steps/:step/skip', stepDecision(skipStepUpdate))
    .post('/:runId/abort', async (c) => {
      const id = runId(c.req.param('runId'));
      const { reason } = await jsonBody(c, ReasonBody);
      const handle = await openRun(id);
      const snapshot = await handle.executeUpdate(abortRunUpdate, { args: [reason ? { reason } : {}] });
      return c.json({ runId: id, status: 'aborting', abortReason: snapshot.abortReason });
    })
    .post('/:runId/rerun', async (c) => {
      const id = runId(c.req.param('runId'));
      const { fromStep } = await jsonBody(c, RerunBody);
      const rerun = await rerunFromStep(deps.client, id, stepName(fromStep), deps.taskQueue);
      const { handle: _handle, ...body } = rerun;
      return c.json({ ...body, links: runLinks(deps, rerun.runId) }, 201);
    })
    .post('/:runId/cancel', async (c) => {
      const id = runId(c.req.param('runId'));
      await (await openRun(id)).cancel();
      return c.json({ runId: id, status: 'cancelling' }, 202);
    });
}
