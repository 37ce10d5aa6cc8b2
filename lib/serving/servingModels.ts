import type { Pool } from 'pg';
import type { ArtifactStore } from '../artifacts/artifactStore';
import type { AliasNotifications } from './aliasNotifications';
import { ModelCache } from './modelCache';

/**
 * The models an API process serves: read from the registry and the artifact store, kept in memory,
 * and forgotten as soon as an alias moves when notifications are on (otherwise re-read every 2 s).
 */
export function servingModels(pool: Pool, artifacts: ArtifactStore, notifications: AliasNotifications | null): ModelCache {
  const models = new ModelCache(pool, artifacts);
  notifications?.subscribe((model, alias) => models.forget(model, alias));
  return models;
}
