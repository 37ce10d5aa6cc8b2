import type { AliasNotifications } from '../../lib/serving/aliasNotifications';
import { servingModels } from '../../lib/serving/servingModels';
import type { AppDeps } from '../../server/deps';

/**
 * A test's AppDeps: what the test names, null for what it goes without. With a store and artifacts
 * the served models are built as startApi builds them (with the test's alias notifications, if any).
 */
export function appDeps(given: Pick<AppDeps, 'client' | 'registry' | 'taskQueue'> & Partial<AppDeps> & { aliasNotifications?: AliasNotifications }): AppDeps {
  const { aliasNotifications, ...deps } = given;
  const store = deps.store ?? null;
  const artifacts = deps.artifacts ?? null;
  return {
    temporalUiUrl: null,
    predictionLog: null,
    security: {},
    ...deps,
    store,
    artifacts,
    models: deps.models ?? (store && artifacts ? servingModels(store.pool, artifacts, aliasNotifications ?? null) : null),
  };
}
