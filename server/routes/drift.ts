import { z } from 'zod';
import { latestDriftReports } from '../../lib/store/driftReportsTable';
import { trafficOverTime } from '../../lib/store/predictionLogTable';
import type { AppDeps } from '../deps';
import { storePool } from '../requireStore';
import { DriftReportsSchema, TrafficSchema } from '../responses/models';
import { defineRoute } from '../routeDef';
import { ModelNameSchema } from '../../lib/registry/names';

const DAY_MS = 86_400_000;

/** Drift reports of served models, as the drift watcher stored them, and the traffic they were computed from. */
export function driftRoutes(deps: AppDeps) {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/models/:name/drift',
      access: 'viewer',
      summary: 'The latest drift reports of a model: per-feature statistics, prediction drift, accuracy from feedback, the decision and thresholds, and the retrain it started',
      params: z.object({ name: ModelNameSchema }),
      query: z.strictObject({ limit: z.coerce.number().int().min(1).max(50).default(1) }),
      response: DriftReportsSchema,
      responses: { 200: 'reports, newest first (empty before the first check)' },
      handler: async (c, { params: { name }, query: { limit } }) => c.json({ model: name, reports: await latestDriftReports(storePool(deps), name, limit) }),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/models/:name/traffic',
      access: 'viewer',
      summary: 'A model\'s predictions per hour or day over the last `days`, with how many got feedback and how those fared (accuracy for labels, mean absolute error for values)',
      params: z.object({ name: ModelNameSchema }),
      query: z.strictObject({ days: z.coerce.number().int().min(1).max(366).default(30), bucket: z.enum(['hour', 'day']).default('day') }),
      response: TrafficSchema,
      callsTemporal: false,
      responses: { 200: 'the buckets that saw traffic, oldest first', 503: 'no metadata store configured' },
      handler: async (c, { params: { name }, query: { days, bucket } }) =>
        c.json({ model: name, bucket, buckets: await trafficOverTime(storePool(deps), { model: name, since: new Date(Date.now() - days * DAY_MS), bucket }) }),
    }),
  ] as const;
}
