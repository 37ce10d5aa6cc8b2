import { logger } from '../logger';
import { shadowPredictionFailures } from '../metrics/metrics';
import type { ModelCache } from './modelCache';
import type { PredictionLog } from './predictionLog';

/** The alias whose version receives a copy of the default traffic; its answers are logged, never served. */
export const SHADOW_ALIAS = 'shadow';

/**
 * After a request to the default alias is answered, the version behind `shadow` (if any, and if it is
 * not the one that answered) predicts the same instances; its answers go to shadow_predictions beside
 * the served ones. It starts on the next turn of the event loop (setImmediate), after the response
 * has been written, and nothing it does (a missing alias, a model that cannot read these instances, a
 * full buffer) reaches the client: failures are counted in cairn_shadow_prediction_failures_total.
 */
export function shadowAfterAnswer(models: ModelCache, log: PredictionLog, request: { model: string; requestId: string; rows: Record<string, unknown>[]; servedVersion: number }): void {
  setImmediate(() => void shadowPredict(models, log, request));
}

async function shadowPredict(models: ModelCache, log: PredictionLog, request: { model: string; requestId: string; rows: Record<string, unknown>[]; servedVersion: number }): Promise<void> {
  let version: number | undefined;
  try {
    const shadow = await models.resolve(request.model, { alias: SHADOW_ALIAS });
    if (!shadow || shadow.version === request.servedVersion) return;
    version = shadow.version;
    const started = performance.now();
    const results = await shadow.servable.predict(request.rows);
    const latencyMs = performance.now() - started;
    const predictedAt = new Date();
    log.appendShadow(results.map((r, item) => ({ model: request.model, version: shadow.version, requestId: request.requestId, item, prediction: (r.label ?? r.value) as string | number, latencyMs, predictedAt })));
  } catch (error) {
    shadowPredictionFailures.inc({ model: request.model, version: String(version ?? '') });
    logger.debug({ err: error, model: request.model }, 'shadow prediction failed');
  }
}
