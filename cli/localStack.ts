import { join } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { registry } from '../definitions';
import { storeDeadlines, type Config } from '../lib/config';
import { connectClient } from '../lib/temporal';
import { syncSchedules } from '../lib/schedules/syncSchedules';
import { invocationDirectory } from './params';
import { devSpecSecret } from '../lib/auth/devSpecSecret';
import { openStore } from '../lib/store/openStore';
import { stepTaskQueue } from '../lib/taskQueues';
import { isTemporalReachable, resolveTemporalCli, startDevServer, type DevServer } from '../lib/temporalDevServer';
import { startApi } from '../server/startApi';
import { startWorkers } from '../workers/startWorkers';

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
  say('starting workers (bundling workflow code)');
  const workers = await startWorkers({
    cfg: options.cfg,
    address: options.temporalAddress,
    store,
    registry,
    queues: [{ taskQueue: options.cfg.CAIRN_TASK_QUEUE, runWorkflows: true }, ...stepQueues().map((queue) => ({ taskQueue: stepTaskQueue(queue), runWorkflows: false }))],
    // `cairn dev` also reads files in the directory it was started from (the user's own data), besides the configured roots.
    extraDataRoots: [invocationDirectory(options.cfg)],
  });

  const client = await connectClient({ TEMPORAL_ADDRESS: options.temporalAddress, TEMPORAL_NAMESPACE: options.cfg.TEMPORAL_NAMESPACE });
  if (options.syncSchedules) {
    const synced = await syncSchedules(client, registry, options.cfg.CAIRN_TASK_QUEUE, options.cfg.CAIRN_SPEC_SECRET);
    say(`schedules synced: ${synced.created.length} created, ${synced.updated.length} updated, ${synced.deleted.length} deleted, ${synced.unchanged.length} unchanged`);
  }
  const api = await startApi({ cfg: options.cfg, client, store, registry, host: options.apiHost, port: options.apiPort, temporalUiUrl });

  return {
    temporalAddress: options.temporalAddress,
    temporalUiUrl,
    startedTemporal: devServer !== undefined,
    apiUrl: api.url,
    stop: async () => {
      await api.stop();
      await workers.stop();
      await client.connection.close();
      await store.close();
      await devServer?.stop();
    },
  };
}
