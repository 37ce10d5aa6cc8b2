import { z } from 'zod';
import { latestDriftReports } from '../../lib/store/driftReportsTable';
import type { AppDeps } from '../deps';
import { storePool } from '../requireStore';
import { DriftReportsSchema } from '../responses/models';
import { defineRoute } from '../routeDef';
import { ModelNameSchema } from '../../lib/registry/names';

/** Drift reports of served models, as the drift watcher stored them. */
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
  ] as const;
}
