import { z } from 'zod';
import { predictionDuration, predictions } from '../../lib/metrics/metrics';
import { predict } from '../../lib/ml/model';
import { aliasHistory, rollbackAlias } from '../../lib/registry/aliases';
import { instanceProblems } from '../../lib/serving/checkInstances';
import { ModelCache } from '../../lib/serving/modelCache';
import type { AppDeps } from '../deps';
import { HttpError } from '../httpErrors';
import { storePool } from '../requireStore';
import { defineRoute, type RouteDef } from '../routeDef';

const ModelName = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'model names are lower-case letters, digits and dashes');
const AliasName = z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'aliases are lower-case letters, digits and dashes');
export const MAX_BATCH = 10_000;

const PredictBody = z.union([
  z.strictObject({ instance: z.record(z.string(), z.unknown()) }),
  z.strictObject({ instances: z.array(z.unknown()).min(1).max(MAX_BATCH, `at most ${MAX_BATCH} instances per request`) }),
]);

/** Serving: predictions from the version an alias (default production) or `?version=` names; alias history and rollback. */
export function servingRoutes(deps: AppDeps): RouteDef[] {
  let cache: ModelCache | undefined;
  const models = () => {
    if (!deps.artifacts) throw new HttpError(503, 'artifacts_unavailable', 'no artifact store is configured');
    cache ??= new ModelCache(storePool(deps), deps.artifacts);
    return cache;
  };
  return [
    defineRoute({
      method: 'POST',
      path: '/api/v1/models/:name/predict',
      access: 'viewer',
      rateLimited: true,
      summary: 'Predict one instance or a batch with the version an alias (default production) or ?version= names',
      params: z.object({ name: ModelName }),
      query: z.strictObject({ version: z.coerce.number().int().min(1).optional(), alias: AliasName.optional() }),
      body: PredictBody,
      responses: { 200: 'predictions', 404: 'no such model, version or alias', 422: 'bad instances, each field named' },
      handler: async (c, { params: { name }, query, body }) => {
        const started = performance.now();
        const served = await models().resolve(name, { ...(query.version ? { version: query.version } : {}), ...(query.alias ? { alias: query.alias } : {}) });
        if (!served) {
          throw new HttpError(404, 'model_not_found', query.version ? `model '${name}' has no version ${query.version}` : `model '${name}' has no alias '${query.alias ?? 'production'}'`);
        }
        const instances = 'instance' in body ? [body.instance] : body.instances;
        const problems = instanceProblems(served.document, instances);
        if (problems.length > 0) throw new HttpError(422, 'invalid_instances', `${problems.length} problem(s) with the instances`, problems.slice(0, 100));
        const results = predict(served.document, instances as Record<string, unknown>[]);
        const labels = { model: name, version: String(served.version), alias: served.alias ?? '' };
        predictions.inc(labels, instances.length);
        predictionDuration.observe(labels, (performance.now() - started) / 1000);
        const shaped = results.map((r) => (served.document.task === 'classification' ? { label: r.label, probabilities: Object.fromEntries(served.document.labels.map((l, i) => [l, r.probabilities?.[i]])) } : { value: r.value }));
        return c.json({ model: name, version: served.version, alias: served.alias, ...('instance' in body ? { prediction: shaped[0] } : { predictions: shaped }) });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/models/:name/aliases/:alias/history',
      access: 'viewer',
      summary: "An alias's moves: version, previous version, who or what, why, when",
      params: z.object({ name: ModelName, alias: AliasName }),
      responses: { 200: 'the history, newest first' },
      handler: async (c, { params: { name, alias } }) => c.json({ model: name, alias, history: await aliasHistory(storePool(deps), name, alias) }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/models/:name/aliases/:alias/rollback',
      access: 'admin',
      summary: 'Move an alias back to the version it pointed at before its latest move',
      params: z.object({ name: ModelName, alias: AliasName }),
      body: z.strictObject({ reason: z.string().max(500).optional() }),
      responses: { 200: 'the move', 422: 'nothing to roll back to' },
      handler: async (c, { params: { name, alias }, body: { reason } }) =>
        c.json(await rollbackAlias(storePool(deps), name, alias, `api key ${c.get('apiKeyId') as string}`, reason ?? '')),
    }),
  ];
}
