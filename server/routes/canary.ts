import { z } from 'zod';
import { ModelNameSchema } from '../../lib/registry/names';
import { canaryAnalyses } from '../../lib/store/canaryTables';
import { shadowSummaries } from '../../lib/store/shadowPredictionsTable';
import type { AppDeps } from '../deps';
import { storePool } from '../requireStore';
import { CanaryAnalysesSchema, ShadowSummariesSchema } from '../responses/canary';
import { defineRoute } from '../routeDef';

/** What canary analyses decided, and how shadow versions compare with production. */
export function canaryRoutes(deps: AppDeps) {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/models/:name/canary',
      access: 'viewer',
      summary: "A model's canary analyses, newest first: candidate, baseline, policy, status, and every decision (start, wait, next stage, promote, rollback) with its reason and evidence",
      params: z.object({ name: ModelNameSchema }),
      query: z.strictObject({ limit: z.coerce.number().int().min(1).max(50).default(5) }),
      response: CanaryAnalysesSchema,
      responses: { 200: 'analyses, newest first (empty when none ran)' },
      handler: async (c, { params: { name }, query: { limit } }) => c.json({ model: name, analyses: await canaryAnalyses(storePool(deps), name, limit) }),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/models/:name/shadow',
      access: 'viewer',
      summary: "Each shadow version of a model against production on the same requests: predictions, agreement, accuracy or error on feedback, server time",
      params: z.object({ name: ModelNameSchema }),
      response: ShadowSummariesSchema,
      responses: { 200: 'one entry per version that ran as a shadow (empty when none did)' },
      handler: async (c, { params: { name } }) => c.json({ model: name, shadows: await shadowSummaries(storePool(deps), name) }),
    }),
  ] as const;
}
