import { RunKeySchema, TriggerNameSchema } from '../../lib/ids';
import { z } from 'zod';
import { issuerOf } from '../security/runIssuer';
import type { Pipeline } from '../../lib/dsl/definePipeline';
import { activityNameOf, compiledCondition, declaredOutputOf, queueOf } from '../../lib/dsl/compile';
import { stageOf } from '../../lib/stages';
import { describeTriggers } from '../../lib/dsl/describeTriggers';
import { MAP_ACTIVITY } from '../../lib/dsl/builtinStages';
import { startRun } from '../../lib/runs/startRun';
import { CACHE_POLICIES } from '../../lib/runContract/stepCache';
import type { AppDeps } from '../deps';
import { HttpError } from '../httpErrors';
import { PipelineId } from '../pathParams';
import { PipelineDescriptionSchema, PipelineListSchema } from '../responses/pipelines';
import { StartedRunSchema } from '../responses/runs';
import { defineRoute } from '../routeDef';
import { runLinks } from './runLinks';

const StartRunBody = z.strictObject({
  params: z.record(z.string(), z.unknown()).default({}),
  /** Who asked: cli, api (default), ci... Shown as CairnTrigger. */
  trigger: TriggerNameSchema.default('api'),
  /** Idempotency key: starting the same pipeline with the same trigger and key again answers 409. */
  key: RunKeySchema.optional(),
  /** The step cache: use (default) takes verified hits; refresh runs every step and records anew; off neither reads nor writes. */
  cache: z.enum(CACHE_POLICIES).default('use'),
});

function describePipeline(pipeline: Pipeline) {
  return {
    id: pipeline.id,
    description: pipeline.description,
    params: z.toJSONSchema(pipeline.params, { io: 'input', unrepresentable: 'any' }),
    steps: pipeline.steps.map((s) => {
      // A built-in stage is described by its contract; a defineStep by the output it declares.
      const stage = stageOf(s.activity);
      const output = declaredOutputOf(s);
      return {
        name: s.name,
        activity: activityNameOf(s.activity) ?? MAP_ACTIVITY,
        after: [...(s.after ?? [])],
        queue: queueOf(s) ?? null,
        when: s.when ? compiledCondition(s.when) : null,
        summary: stage?.summary ?? null,
        output: output ? z.toJSONSchema(output, { io: 'output', unrepresentable: 'any' }) : null,
      };
    }),
    triggers: describeTriggers(pipeline.triggers),
  };
}

export function pipelineRoutes(deps: AppDeps) {
  const find = (id: string) => {
    const pipeline = deps.registry.pipelines.get(id);
    if (!pipeline) throw new HttpError(404, 'pipeline_not_found', `no pipeline '${id}'; known: ${[...deps.registry.pipelines.keys()].join(', ')}`);
    return pipeline;
  };
  const params = z.object({ id: PipelineId });
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/pipelines',
      access: 'viewer',
      summary: 'List pipelines with their params schema and steps',
      response: PipelineListSchema,
      responses: { 200: 'the pipelines' },
      handler: (c) => c.json({ pipelines: [...deps.registry.pipelines.values()].map(describePipeline) }),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/pipelines/:id',
      access: 'viewer',
      summary: 'One pipeline',
      params,
      response: PipelineDescriptionSchema,
      responses: { 200: 'the pipeline', 404: 'no such pipeline' },
      handler: (c, input) => c.json(describePipeline(find(input.params.id))),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/pipelines/:id/runs',
      access: 'operator',
      rateLimited: true,
      summary: 'Start a run; params are validated by the pipeline schema',
      params,
      body: StartRunBody,
      response: StartedRunSchema,
      status: 201,
      responses: { 201: 'run started', 404: 'no such pipeline', 409: 'a run with this key exists', 422: 'invalid params, naming each field' },
      handler: async (c, { params: { id }, body }) => {
        const run = await startRun(deps.client, { pipeline: find(id), params: body.params, trigger: body.trigger, key: body.key, cache: body.cache, taskQueue: deps.taskQueue, ...issuerOf(c, deps) });
        const { handle: _handle, ...started } = run;
        return c.json({ ...started, links: runLinks(deps, run.runId) }, 201);
      },
    }),
  ] as const;
}
