import type { Pool } from 'pg';
import type { AppDeps } from './deps';
import { HttpError } from './httpErrors';

/** The metadata store's pool, or a 503 for routes that cannot work without one. */
export function storePool(deps: Pick<AppDeps, 'store'>): Pool {
  if (!deps.store) throw new HttpError(503, 'store_unavailable', 'no metadata store is configured');
  return deps.store.pool;
}
