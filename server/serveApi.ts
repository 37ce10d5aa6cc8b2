import type { Client } from '@temporalio/client';
import { config, otlpTraces, storeDeadlines } from '../lib/config';
import { startTracing } from '../lib/tracing/tracing';
import { definitionsPath, loadRegistry } from '../lib/definitions';
import { logger } from '../lib/logger';
import { openStoreWhenReachable } from '../lib/store/openStore';
import { connectClient } from '../lib/temporal';
import { startApi } from './startApi';

/** Says at start, once, that Temporal does not answer yet and what that leaves working. */
async function warnIfTemporalAway(client: Client, address: string): Promise<void> {
  try {
    await client.connection.withDeadline(Date.now() + 3_000, () => client.workflowService.getSystemInfo({}));
  } catch (error) {
    logger.warn({ address, err: error }, `Temporal at ${address} (TEMPORAL_ADDRESS) does not answer: predictions, models and pages are served; runs, schedules and events answer 503 until it does`);
  }
}

/**
 * The API process (`cairn server`, `npm run server`): serves until SIGINT/SIGTERM, then stops taking
 * requests, lets those in flight finish and closes its connections. Temporal (TEMPORAL_ADDRESS) may
 * come later; PostgreSQL (DATABASE_URL) is waited for.
 */
export async function serveApi(): Promise<void> {
  const cfg = config();
  const tracing = await startTracing(otlpTraces(cfg));
  const registry = await loadRegistry(definitionsPath(cfg));
  // Lazy: an API started while Temporal is down serves predictions, models and pages at once, and
  // answers 503 naming temporal for runs and schedules until Temporal answers (then without a restart).
  const client = await connectClient(cfg, { lazy: true });
  const store = await openStoreWhenReachable({ databaseUrl: cfg.DATABASE_URL, home: cfg.CAIRN_HOME, deadlines: storeDeadlines(cfg) });
  const api = await startApi({ cfg, client, store, registry, host: cfg.CAIRN_HOST, port: cfg.CAIRN_PORT, temporalUiUrl: cfg.TEMPORAL_UI_URL ?? null });
  logger.info({ url: api.url }, 'Cairn API listening');
  void warnIfTemporalAway(client, cfg.TEMPORAL_ADDRESS);
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
