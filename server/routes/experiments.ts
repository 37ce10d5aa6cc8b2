import { z } from 'zod';
import { compareExperiments } from '../../lib/experiments/compareExperiments';
import { MetricFilterSchema, MetricNameSchema } from '../../lib/experiments/metricFilter';
import { experimentsById, searchExperiments } from '../../lib/store/experimentsTable';
import type { AppDeps } from '../deps';
import { HttpError } from '../httpErrors';
import { PipelineId } from '../pathParams';
import { storePool } from '../requireStore';
import { ExperimentComparisonSchema, ExperimentListSchema, ExperimentSchema } from '../responses/experiments';
import { defineRoute } from '../routeDef';

const ExperimentId = z.coerce.number({ error: 'experiment ids are whole numbers, as `cairn experiments` lists them' }).int().positive();

/** Training executions, recorded by the steps that train (registered or not): search by metric, compare two. */
export function experimentRoutes(deps: AppDeps) {
  const find = async (ids: number[]) => {
    const found = await experimentsById(storePool(deps), ids);
    const missing = ids.filter((id) => !found.some((e) => e.id === id));
    if (missing.length > 0) throw new HttpError(404, 'experiment_not_found', `no experiment ${missing.join(', ')}`);
    return found;
  };
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/experiments',
      access: 'viewer',
      summary: 'Training executions matching metric conditions (where=accuracy>0.8,rmse<3), best first by a metric (sort, order) or newest first',
      query: z.strictObject({
        pipeline: PipelineId.optional(),
        where: MetricFilterSchema.optional(),
        sort: MetricNameSchema.optional(),
        order: z.enum(['desc', 'asc']).default('desc'),
        limit: z.coerce.number().int().min(1).max(1_000).default(50),
      }),
      response: ExperimentListSchema,
      responses: { 200: 'the experiments', 422: 'a condition or metric name that cannot be read, named', 503: 'no metadata store configured' },
      handler: async (c, { query }) => {
        const sort = query.sort ? { metric: query.sort, descending: query.order === 'desc' } : undefined;
        return c.json({ experiments: await searchExperiments(storePool(deps), { pipeline: query.pipeline, where: query.where ?? [], sort, limit: query.limit }) });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/experiments/:id',
      access: 'viewer',
      summary: 'One experiment: params, metrics, dataset, code version, duration',
      params: z.object({ id: ExperimentId }),
      response: ExperimentSchema,
      responses: { 200: 'the experiment', 404: 'no such experiment', 503: 'no metadata store configured' },
      handler: async (c, { params: { id } }) => c.json((await find([id]))[0] as z.infer<typeof ExperimentSchema>),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/experiments/:id/compare/:other',
      access: 'viewer',
      summary: 'Two experiments side by side: params and metrics (with deltas), and whether data, code and spec were the same',
      params: z.object({ id: ExperimentId, other: ExperimentId }),
      response: ExperimentComparisonSchema,
      responses: { 200: 'the comparison', 404: 'no such experiment', 503: 'no metadata store configured' },
      handler: async (c, { params: { id, other } }) => {
        const [a, b] = await find([id, other]);
        return c.json(compareExperiments(a!, b!));
      },
    }),
  ] as const;
}
