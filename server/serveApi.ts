import { config, otlpTraces, storeDeadlines } from '../lib/config';
import { startTracing } from '../lib/tracing/tracing';
import { definitionsPath, loadRegistry } from '../lib/definitions';
import { logger } from '../lib/logger';
import { openStoreWhenReachable } from '../lib/store/openStore';
import { connectClient } from '../lib/temporal';
import { startApi } from './startApi';

/**
 * The API process (`cairn server`, `npm run server`): serves until SIGINT/SIGTERM, then stops taking
 * requests, lets those in flight finish and closes its connections. Needs a reachable Temporal
 * (TEMPORAL_ADDRESS); PostgreSQL (DATABASE_URL) may come later.
 */
export async function serveApi(): Promise<void> {
  const cfg = config();
  const tracing = await startTracing(otlpTraces(cfg));
  const registry = await loadRegistry(definitionsPath(cfg));
  const client = await connectClient(cfg);
  const store = await openStoreWhenReachable({ databaseUrl: cfg.DATABASE_URL, home: cfg.CAIRN_HOME, deadlines: storeDeadlines(cfg) });
  const api = await startApi({ cfg, client, store, registry, host: cfg.CAIRN_HOST, port: cfg.CAIRN_PORT, temporalUiUrl: cfg.TEMPORAL_UI_URL ?? null });
  logger.info({ url: api.url }, 'Cairn API listening');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  logger.info('Cairn API stopping');
  await api.stop();
  await client.connection.close();
  await store.close();
  await tracing?.shutdown();
}
