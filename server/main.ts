/** The API process: `npm run server`. Needs a reachable Temporal (TEMPORAL_ADDRESS). */
import { config, storeDeadlines } from '../lib/config';
import { definitionsPath, loadRegistry } from '../lib/definitions';
import { logger } from '../lib/logger';
import { openStoreWhenReachable } from '../lib/store/openStore';
import { connectClient } from '../lib/temporal';
import { runMain } from '../lib/runMain';
import { startApi } from './startApi';

runMain(async () => {
  const cfg = config();
  const registry = await loadRegistry(definitionsPath(cfg));
  const client = await connectClient(cfg);
  const store = await openStoreWhenReachable({ databaseUrl: cfg.DATABASE_URL, home: cfg.CAIRN_HOME, deadlines: storeDeadlines(cfg) });
  const api = await startApi({ cfg, client, store, registry, host: cfg.CAIRN_HOST, port: cfg.CAIRN_PORT, temporalUiUrl: cfg.TEMPORAL_UI_URL ?? null });
  logger.info({ url: api.url }, 'Cairn API listening');
  const stop = async () => {
    await api.stop();
    await client.connection.close();
    await store.close();
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
});
