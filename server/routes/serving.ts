import { z } from 'zod';
import { predictionDuration, predictions } from '../../lib/metrics/metrics';
import type { ModelDescription } from '../../lib/ml/servableModel';
import { instanceProblems } from '../../lib/serving/checkInstances';
import { recordFeedback, unknownPredictions } from '../../lib/serving/feedback';
import { shadowAfterAnswer } from '../../lib/serving/shadow';
import { recordFailedPrediction } from '../../lib/store/predictionErrorsTable';
import { DEFAULT_SECURITY, type AppDeps } from '../deps';
import { spend } from '../security/middleware';
import { RateLimiter } from '../security/rateLimiter';
import { HttpError } from '../httpErrors';
import { storePool } from '../requireStore';
import { FeedbackRecordedSchema, PredictionsSchema } from '../responses/serving';
import { defineRoute } from '../routeDef';
import { AliasNameSchema, ModelNameSchema, ModelVersionParam } from '../../lib/registry/names';

export const MAX_BATCH = 10_000;

const PredictBody = z.union([
  z.strictObject({ instance: z.record(z.string(), z.unknown()), routingKey: z.string().min(1).max(200).optional() }),
  z.strictObject({ instances: z.array(z.unknown()).min(1).max(MAX_BATCH, `at most ${MAX_BATCH} instances per request`), routingKey: z.string().min(1).max(200).optional() }),
]);

const Label = z.union([z.string().min(1).max(200), z.number().finite()]);
const FeedbackItem = z.strictObject({ requestId: z.string().min(1).max(255), item: z.number().int().min(0).max(MAX_BATCH).default(0), label: Label });
const FeedbackBody = z.union([FeedbackItem, z.strictObject({ items: z.array(FeedbackItem).min(1).max(MAX_BATCH) })]);

/**
 * Serving: predictions from the version an alias (default production, or a weighted canary) or
 * `?version=` names, each logged for drift monitoring; feedback with the true labels.
 */
/** Only the fields the model reads are logged: anything else a client sends is not stored. */
function modelFeatures(document: Pick<ModelDescription, 'features'>, row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(document.features.map((f) => [f.name, row[f.name] ?? null]));
}

export function servingRoutes(deps: AppDeps) {
  const instanceLimiter = new RateLimiter({ ...DEFAULT_SECURITY, ...deps.security }.predictInstancesPerMinute);
  const models = () => {
    if (!deps.models) throw new HttpError(503, 'store_unavailable', 'serving needs the metadata store and the artifact store, and this API has none');
    return deps.models;
  };
  const log = () => {
    if (!deps.predictionLog) throw new HttpError(503, 'store_unavailable', 'serving logs every prediction, and this API has no prediction log');
    return deps.predictionLog;
  };
  return [
    defineRoute({
      method: 'POST',
      path: '/api/v1/models/:name/predict',
      access: 'viewer',
      rateLimited: true,
      callsTemporal: false,
      summary: 'Predict one instance or a batch with the version an alias (default production, split with a weighted canary by routingKey) or ?version= names',
      params: z.object({ name: ModelNameSchema }),
      query: z.strictObject({ version: ModelVersionParam.optional(), alias: AliasNameSchema.optional() }),
      body: PredictBody,
      response: PredictionsSchema,
      responses: { 200: 'predictions, with the request id to send feedback for', 404: 'no such model, version or alias', 422: 'bad instances, each field named', 501: 'an ONNX model, and onnxruntime-node is not installed here' },
      handler: async (c, { params: { name }, query, body }) => {
        const started = performance.now();
        // Every instance is predicted and logged: a batch spends one unit of the budget per instance.
        spend(instanceLimiter, c as never, 'instance' in body ? 1 : body.instances.length, 'predicted instances');
        const requestId = c.get('requestId') as string;
        const served = await models().resolve(name, { version: query.version, alias: query.alias, routingKey: body.routingKey ?? requestId });
        if (!served) {
          throw new HttpError(404, 'model_not_found', query.version ? `model '${name}' has no version ${query.version}` : `model '${name}' has no alias '${query.alias ?? 'production'}'`);
        }
        const instances = 'instance' in body ? [body.instance] : body.instances;
        const problems = instanceProblems(served.servable, instances);
        if (problems.length > 0) throw new HttpError(422, 'invalid_instances', `${problems.length} problem(s) with the instances`, problems.slice(0, 100));
        const rows = instances as Record<string, unknown>[];
        const results = await served.servable.predict(rows).catch((error: unknown) => {
          // A failed prediction counts against its version (a canary analysis compares error rates).
          const pool = deps.store?.pool;
          if (pool) void recordFailedPrediction(pool, { model: name, version: served.version, alias: served.alias, requestId, instances: rows.length, message: String((error as Error)?.message ?? error) }).catch(() => undefined);
          throw error;
        });
        const labels = { model: name, version: String(served.version), alias: served.alias ?? '' };
        const now = new Date();
        const latencyMs = performance.now() - started;
        // Durable mode: the answer waits until its rows are on local disk (an answered prediction is never lost).
        await log().append(
          results.map((r, item) => ({ model: name, version: served.version, alias: served.alias, requestId, item, features: modelFeatures(served.servable, rows[item] as Record<string, unknown>), prediction: (r.label ?? r.value) as string | number, predictedAt: now, latencyMs })),
        );
        // The default traffic is copied to a shadow version, if one is deployed: after this answer, never in it.
        if (query.version === undefined && query.alias === undefined) shadowAfterAnswer(models(), log(), { model: name, requestId, rows, servedVersion: served.version });
        predictions.inc(labels, instances.length);
        predictionDuration.observe(labels, (performance.now() - started) / 1000);
        const shaped = results.map((r) => (served.servable.task === 'classification' ? { label: r.label, probabilities: Object.fromEntries(served.servable.labels.map((l, i) => [l, r.probabilities?.[i]])) } : { value: r.value }));
        return c.json({ model: name, version: served.version, alias: served.alias, requestId, ...('instance' in body ? { prediction: shaped[0] } : { predictions: shaped }) });
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/models/:name/feedback',
      access: 'operator',
      rateLimited: true,
      callsTemporal: false,
      summary: 'Record the true label of served predictions, by request id (and item, for a batch)',
      params: z.object({ name: ModelNameSchema }),
      body: FeedbackBody,
      response: FeedbackRecordedSchema,
      responses: { 200: 'how many labels were recorded', 404: 'a request id matches no logged prediction' },
      handler: async (c, { params: { name }, body }) => {
        const pool = storePool(deps);
        const items = 'items' in body ? body.items : [body];
        // A prediction served a moment ago may still be in this process's buffer: write it first.
        const pending = deps.predictionLog;
        if (pending && items.some((i) => pending.isPending(name, i.requestId))) await pending.flush();
        const unknown = await unknownPredictions(pool, name, items);
        if (unknown.length > 0) {
          throw new HttpError(404, 'prediction_not_found', `${unknown.length} of ${items.length} label(s) match no logged prediction of model '${name}'`, unknown.slice(0, 100).map((i) => ({ requestId: i.requestId, item: i.item })));
        }
        return c.json({ model: name, recorded: await recordFeedback(pool, name, items) });
      },
    }),
  ] as const;
}
