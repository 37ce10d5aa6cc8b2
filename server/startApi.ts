import type { Client } from '@temporalio/client';
import { ArtifactStore } from '../lib/artifacts/artifactStore';
import { artifactsDir, predictionJournalDir, type Config } from '../lib/config';
import type { Registry } from '../lib/dsl/registry';
import { AliasNotifications } from '../lib/serving/aliasNotifications';
import { PredictionLog } from '../lib/serving/predictionLog';
import { servingModels } from '../lib/serving/servingModels';
import { listApiKeys } from '../lib/store/apiKeysTable';
import type { Store } from '../lib/store/openStore';
import { createApp } from './app';
import { safeBindHost } from './bindHost';
import { securityFromConfig } from './securityFromConfig';
import { startApiServer } from './serve';

export interface RunningApiStack {
  url: string;
  /** Stops listening, then flushes the prediction log and stops alias notifications (the client and store stay the caller's). */
  stop(): Promise<void>;
}

/**
 * The API stack, as the server entry and `cairn dev` both run it: the prediction log (replaying its
 * journal), alias notifications, the app with the configured security, listening on the host the
 * keys allow (loopback while there are none).
 */
export async function startApi(options: { cfg: Config; client: Client; store: Store; registry: Registry; host: string; port: number; temporalUiUrl: string | null }): Promise<RunningApiStack> {
  const { cfg, client, store, registry } = options;
  const predictionLog = await PredictionLog.open(store.pool, cfg.CAIRN_PREDICTION_LOG, predictionJournalDir(cfg));
  const aliasNotifications = AliasNotifications.forPool(store.pool);
  await aliasNotifications.start();
  const artifacts = new ArtifactStore(artifactsDir(cfg));
  const app = createApp({
    client,
    registry,
    store,
    predictionLog,
    models: servingModels(store.pool, artifacts, aliasNotifications),
    artifacts,
    taskQueue: cfg.CAIRN_TASK_QUEUE,
    temporalUiUrl: options.temporalUiUrl,
    security: securityFromConfig(cfg),
  });
  const keyCount = cfg.CAIRN_API_KEYS.length + (await listApiKeys(store.pool)).length;
  const api = await startApiServer(app, safeBindHost(options.host, keyCount), options.port);
  return {
    url: api.url,
    stop: async () => {
      await api.close();
      await predictionLog.close();
      await aliasNotifications.stop();
    },
  };
}
