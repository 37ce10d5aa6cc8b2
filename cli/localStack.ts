import { AliasNotifications } from '../lib/serving/aliasNotifications';
import { PredictionLog } from '../lib/serving/predictionLog';
import { join } from 'node:path';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { registry } from '../definitions';
import { predictionJournalDir, storeDeadlines, type Config } from '../lib/config';
import { connectClient } from '../lib/temporal';
import { syncSchedules } from '../lib/schedules/syncSchedules';
import { servicesFromConfig } from '../lib/services';
import { invocationDirectory } from './params';
import { devSpecSecret } from '../lib/auth/devSpecSecret';
import { openStore } from '../lib/store/openStore';
import { stepTaskQueue } from '../lib/taskQueues';
import { installStrayErrorGuard } from '../lib/faults/strayErrors';
import { isTemporalReachable, resolveTemporalCli, startDevServer, type DevServer } from '../lib/temporalDevServer';
import { createApp } from '../server/app';
import { safeBindHost } from '../server/bindHost';
import { startApiServer } from '../server/serve';
import { securityFromConfig } from '../server/securityFromConfig';
import { listApiKeys } from '../lib/store/apiKeysTable';
import { createPipelineWorker } from '../workers/createWorker';

export interface LocalStackOptions {
  cfg: Config;
  /** Temporal frontend address to use or start; the Web UI goes on its port + 1000. */
  temporalAddress: string;
  /** Use a server that already answers at temporalAddress instead of starting one. */
  reuseTemporal: boolean;
  /** SQLite file for the dev server's history; omit for an in-memory server. */
  temporalDbFile?: string;
  withWebUi: boolean;
  apiHost: string;
  apiPort: number;
  progress?: (line: string) => void;
  /** Reconcile Temporal Schedules with definitions/ (cairn dev does; the demo does not). */
  syncSchedules: boolean;
  /** The Temporal SDK's own log level (its logs go to stderr). */
  workerLogLevel?: 'WARN' | 'ERROR';
}

export interface LocalStack {
  temporalAddress: string;
  temporalUiUrl: string | null;
  startedTemporal: boolean;
  apiUrl: string;
  stop(): Promise<void>;
}

/** Every logical step queue the registry's pipelines name (each gets a local worker). */
function stepQueues(): string[] {
  const queues = new Set<string>();
  for (const pipeline of registry.pipelines.values()) for (const step of pipeline.steps) if (step.queue) queues.add(step.queue);
  return [...queues];
}

/** Temporal (started unless one answers), workers for every queue, and the API: all of Cairn on one machine. */
export async function startLocalStack(given: LocalStackOptions): Promise<LocalStack> {
  // The API and the workers of this stack share a spec secret: runs are signed and checked even on a laptop.
  const options = { ...given, cfg: { ...given.cfg, CAIRN_SPEC_SECRET: given.cfg.CAIRN_SPEC_SECRET ?? (await devSpecSecret(given.cfg.CAIRN_HOME)) } };
  const say = options.progress ?? (() => undefined);
  const port = Number(options.temporalAddress.split(':').pop());
  let devServer: DevServer | undefined;
  if (!(options.reuseTemporal && (await isTemporalReachable(options.temporalAddress)))) {
    say(`starting the Temporal dev server on ${options.temporalAddress}${options.temporalDbFile ? ` (history in ${options.temporalDbFile})` : ''}`);
    devServer = await startDevServer({
      cliPath: resolveTemporalCli(options.cfg.TEMPORAL_CLI_PATH),
      port,
      ...(options.withWebUi ? { uiPort: port + 1000 } : {}),
      ...(options.temporalDbFile ? { dbFile: options.temporalDbFile } : {}),
      logFile: join(options.cfg.CAIRN_HOME, 'temporal.log'),
      namespace: options.cfg.TEMPORAL_NAMESPACE,
    });
  } else {
    say(`using the Temporal server that answers at ${options.temporalAddress}`);
  }
  const temporalUiUrl = devServer ? devServer.uiUrl : (options.cfg.TEMPORAL_UI_URL ?? null);

  say(options.cfg.DATABASE_URL ? 'opening the metadata store (DATABASE_URL)' : `opening the embedded metadata store in ${join(options.cfg.CAIRN_HOME, 'pgdata')}`);
  const store = await openStore({ databaseUrl: options.cfg.DATABASE_URL, home: options.cfg.CAIRN_HOME, deadlines: storeDeadlines(options.cfg) });

  Runtime.install({ logger: new DefaultLogger(options.workerLogLevel ?? 'WARN') });
  installStrayErrorGuard();
  const connection = await NativeConnection.connect({ address: options.temporalAddress });
  // `cairn dev` also reads files in the directory it was started from (the user's own data), besides the configured roots.
  const services = servicesFromConfig(options.cfg, store, [...registry.dataRoots, invocationDirectory()]);
  const activities = createActivities(registry, services);
  const workerOptions = { connection, namespace: options.cfg.TEMPORAL_NAMESPACE, activities };
  say('starting workers (bundling workflow code)');
  const workers: Worker[] = [
    await createPipelineWorker({ ...workerOptions, taskQueue: options.cfg.CAIRN_TASK_QUEUE, runWorkflows: true }),
    ...(await Promise.all(
      stepQueues().map((queue) => createPipelineWorker({ ...workerOptions, taskQueue: stepTaskQueue(queue), runWorkflows: false })),
    )),
  ];
  const running = workers.map((worker) => worker.run());

  const client = await connectClient({ TEMPORAL_ADDRESS: options.temporalAddress, TEMPORAL_NAMESPACE: options.cfg.TEMPORAL_NAMESPACE });
  if (options.syncSchedules) {
    const synced = await syncSchedules(client, registry, options.cfg.CAIRN_TASK_QUEUE, options.cfg.CAIRN_SPEC_SECRET);
    say(`schedules synced: ${synced.created.length} created, ${synced.updated.length} updated, ${synced.deleted.length} deleted, ${synced.unchanged.length} unchanged`);
  }
  const predictionLog = await PredictionLog.open(store.pool, options.cfg.CAIRN_PREDICTION_LOG, predictionJournalDir(options.cfg));
  const aliasNotifications = AliasNotifications.forPool(store.pool);
  await aliasNotifications.start();
  const app = createApp({ client, registry, store, predictionLog, aliasNotifications, artifacts: services.artifacts, taskQueue: options.cfg.CAIRN_TASK_QUEUE, temporalUiUrl, security: securityFromConfig(options.cfg) });
  const keyCount = options.cfg.CAIRN_API_KEYS.length + (await listApiKeys(store.pool)).length;
  const api = await startApiServer(app, safeBindHost(options.apiHost, keyCount), options.apiPort);

  return {
    temporalAddress: options.temporalAddress,
    temporalUiUrl,
    startedTemporal: devServer !== undefined,
    apiUrl: api.url,
    stop: async () => {
      await api.close();
      await predictionLog.close();
      await aliasNotifications.stop();
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await Promise.allSettled(running);
      await client.connection.close();
      await connection.close();
      await store.close();
      await devServer?.stop();
    },
  };
}
