/** The API process: `npm run server`. Needs a reachable Temporal (TEMPORAL_ADDRESS). */
import { registry } from '../definitions';
import { ArtifactStore } from '../lib/artifacts/artifactStore';
import { artifactsDir, config, predictionJournalDir, storeDeadlines } from '../lib/config';
import { logger } from '../lib/logger';
import { AliasNotifications } from '../lib/serving/aliasNotifications';
import { PredictionLog } from '../lib/serving/predictionLog';
import { openStoreWhenReachable } from '../lib/store/openStore';
import { connectClient } from '../lib/temporal';
import { runMain } from '../lib/runMain';
import { listApiKeys } from '../lib/store/apiKeysTable';
import { createApp } from './app';
import { safeBindHost } from './bindHost';
import { securityFromConfig } from './securityFromConfig';
import { startApiServer } from './serve';

runMain(async () => {
  const cfg = config();
  const client = await connectClient(cfg);
  const store = await openStoreWhenReachable({ databaseUrl: cfg.DATABASE_URL, home: cfg.CAIRN_HOME, deadlines: storeDeadlines(cfg) });
  const predictionLog = await PredictionLog.open(store.pool, cfg.CAIRN_PREDICTION_LOG, predictionJournalDir(cfg));
  const aliasNotifications = AliasNotifications.forPool(store.pool);
  await aliasNotifications.start();
  const app = createApp({ client, registry, store, predictionLog, aliasNotifications, artifacts: new ArtifactStore(artifactsDir(cfg)), taskQueue: cfg.CAIRN_TASK_QUEUE, temporalUiUrl: cfg.TEMPORAL_UI_URL ?? null, security: securityFromConfig(cfg) });
  const keyCount = cfg.CAIRN_API_KEYS.length + (await listApiKeys(store.pool)).length;
  const api = await startApiServer(app, safeBindHost(cfg.CAIRN_HOST, keyCount), cfg.CAIRN_PORT);
  logger.info({ url: api.url }, 'Cairn API listening');
  const stop = async () => {
    await api.close();
    await predictionLog.close();
    await aliasNotifications.stop();
    await client.connection.close();
    await store.close();
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
});
