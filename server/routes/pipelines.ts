import { Hono } from 'hono';
import { z } from 'zod';
import type { Pipeline } from '../../lib/dsl/definePipeline';
import { startRun } from '../../lib/runs/startRun';
import type { AppDeps } from '../deps';
import { HttpError } from '../httpErrors';
import { jsonBody } from '../validate';
import { runLinks } from './runLinks';

const StartRunBody = z.strictObject({
  params: z.record(z.string(), z.unknown()).default({}),
  /** Who asked: cli, api (default), ci... Shown as CairnTrigger. */
  trigger: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'lower-case letters, digits and dashes').default('api'),
  /** Idempotency key: starting the same pipeline with the same trigger and key again answers 409. */
  key: z.string().regex(/^[\w.-]{1,100}$/, 'letters, digits, dot, dash, underscore').optional(),
});

function describePipeline(pipeline: Pipeline) {
  return {
    id: pipeline.id,
    description: pipeline.description,
    params: z.toJSONSchema(pipeline.params, { io: 'input', unrepresentable: 'any' }),
    steps: pipeline.steps.map((s) => ({
      name: s.name,
      activity: typeof s.activity === 'string' ? s.activity : s.activity.name,
      after: [...(s.after ?? [])],
      queue: s.queue ?? null,
    })),
  };
}

export function pipelineRoutes(deps: AppDeps) {
  const find = (id: string) => {
    const pipeline = deps.registry.pipelines.get(id);
    if (!pipeline) throw new HttpError(404, 'pipeline_not_found', `no pipeline '${id}'; known: ${[...deps.registry.pipelines.keys()].join(', ')}`);
    return pipeline;
  };
  return new Hono()
    .get('/', (c) => c.json({ pipelines: [...deps.registry.pipelines.values()].map(describePipeline) }))
    .get('/:id', (c) => c.json(describePipeline(find(c.req.param('id')))))
    .post('/:id/runs', async (c) => {
      const pipeline = find(c.req.param('id'));
      const body = await jsonBody(c, StartRunBody);
      const run = await startRun(deps.client, {
        pipeline,
        params: body.params,
        trigger: body.trigger,
        key: body.key,
        taskQueue: deps.taskQueue,
      });
      return c.json(
        {
          runId: run.runId,
          temporalRunId: run.temporalRunId,
          pipeline: run.pipeline,
          specHash: run.specHash,
          params: run.params,
          links: runLinks(deps, run.runId),
        },
        201,
      );
    });
}
