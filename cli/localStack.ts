import { join } from 'node:path';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import { logger } from '../lib/logger';
import { sdkLogging } from '../lib/sdkLogger';
import { loadRegistry } from '../lib/definitions';
import { liveRegistry, queuesByWorker, type Registry } from '../lib/dsl/registry';
import { prebuiltWorkflowBundle, WORKFLOWS_PATH } from '../workers/prebuiltWorkflows';
import { invocationDirectory, otlpTraces, storeDeadlines, type Config } from '../lib/config';
import { startTracing } from '../lib/tracing/tracing';
import { localPythonWorker, pythonModuleFiles, resolvePython } from '../lib/pythonWorker';
import { connectClient } from '../lib/temporal';
import { syncSchedules } from '../lib/schedules/syncSchedules';
import { devSpecSecret } from '../lib/auth/devSpecSecret';
import { openStore } from '../lib/store/openStore';
import { stepTaskQueue } from '../lib/taskQueues';
import { isTemporalReachable, resolveTemporalCli, startDevServer, type DevServer } from '../lib/temporalDevServer';
import { startApi } from '../server/startApi';
import { startWorkers } from '../workers/startWorkers';

export interface LocalStackOptions {
  cfg: Config;
  /** The definitions module (its `registry` export); `reload()` loads it again. */
  definitions: string;
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
  /**
   * Loads the definitions again and, if they load, serves them: the workers restart with the new
   * steps (steps in flight get their grace time), the API and new runs use the new pipelines, and
   * schedules are synced. Runs already started keep the spec they were compiled with. If the new
   * definitions do not load, this throws and the stack keeps serving the previous ones.
   */
  reload(): Promise<{ pipelines: string[]; added: string[]; removed: string[] }>;
  /** The Python step modules the served definitions name by file path: a change to one is a change to the definitions. */
  pythonModuleFiles(): string[];
  stop(): Promise<void>;
}

/** The pipelines queue and every step queue Cairn's own steps name: each gets a local worker. */
/** The Python that runs the stack's Python steps, to find where a dotted module name lives; none set up: none watched (the worker says what to set up). */
function pythonForModules(cfg: Config): string | undefined {
  try {
    return resolvePython(cfg.CAIRN_PYTHON, cfg.CAIRN_HOME);
  } catch {
    return undefined;
  }
}

function workerQueues(registry: Registry, pipelinesQueue: string) {
  // Never the queues of remote steps: their own workers (another service, Python) poll those.
  const { cairn } = queuesByWorker(registry.pipelines.values());
  return [{ taskQueue: pipelinesQueue, runWorkflows: true }, ...cairn.map((queue) => ({ taskQueue: stepTaskQueue(queue), runWorkflows: false }))];
}

/** Temporal (started unless one answers), workers for every queue, and the API: all of Cairn on one machine. */
export async function startLocalStack(given: LocalStackOptions): Promise<LocalStack> {
  // What has started so far, stopped in reverse if a later part fails to start: a stack that cannot
  // start must not leave a dev server, workers or the store's lock behind in a process that never exits.
  const started: (() => Promise<unknown>)[] = [];
  const stopStarted = async () => {
    for (const stop of started.splice(0).reverse()) await stop().catch(() => undefined);
  };
  try {
    return await startParts(given, started, stopStarted);
  } catch (error) {
    await stopStarted();
    throw error;
  }
}

async function startParts(given: LocalStackOptions, started: (() => Promise<unknown>)[], stopStarted: () => Promise<void>): Promise<LocalStack> {
  // The API and the workers of this stack share a spec secret: runs are signed and checked even on a laptop.
  const options = { ...given, cfg: { ...given.cfg, CAIRN_SPEC_SECRET: given.cfg.CAIRN_SPEC_SECRET ?? (await devSpecSecret(given.cfg.CAIRN_HOME)) } };
  const say = options.progress ?? (() => undefined);
  const traces = otlpTraces(options.cfg);
  const tracing = await startTracing(traces);
  if (tracing) started.push(() => tracing.shutdown());
  if (tracing && traces) say(`tracing: spans go to ${traces.url}`);
  const port = Number(options.temporalAddress.split(':').pop());
  let devServer: DevServer | undefined;
  if (!(options.reuseTemporal && (await isTemporalReachable(options.temporalAddress)))) {
    say(`starting the Temporal dev server on ${options.temporalAddress}${options.temporalDbFile ? ` (history in ${options.temporalDbFile})` : ''}`);
    const server = await startDevServer({
      cliPath: resolveTemporalCli(options.cfg.TEMPORAL_CLI_PATH, options.cfg.CAIRN_HOME),
      port,
      ...(options.withWebUi ? { uiPort: port + 1000 } : {}),
      ...(options.temporalDbFile ? { dbFile: options.temporalDbFile } : {}),
      logFile: join(options.cfg.CAIRN_HOME, 'temporal.log'),
      namespace: options.cfg.TEMPORAL_NAMESPACE,
    });
    devServer = server;
    started.push(() => server.stop());
  } else {
    say(`using the Temporal server that answers at ${options.temporalAddress}`);
  }
  const temporalUiUrl = devServer ? devServer.uiUrl : (options.cfg.TEMPORAL_UI_URL ?? null);

  say(options.cfg.DATABASE_URL ? 'opening the metadata store (DATABASE_URL)' : `opening the embedded metadata store in ${join(options.cfg.CAIRN_HOME, 'pgdata')}`);
  const store = await openStore({ databaseUrl: options.cfg.DATABASE_URL, home: options.cfg.CAIRN_HOME, deadlines: storeDeadlines(options.cfg) });
  started.push(() => store.close());

  const live = liveRegistry(await loadRegistry(options.definitions));
  // The SDK's own lines through Cairn's logger (human lines on a terminal), at WARN unless asked.
  const sdkLog = sdkLogging(logger.child({}, { level: (options.workerLogLevel ?? 'WARN').toLowerCase() }));
  Runtime.install({ logger: sdkLog.logger, telemetryOptions: sdkLog.telemetryOptions });
  say('starting workers (bundling workflow code)');
  // Bundled once (by `npm run setup`, or here when that bundle is missing or stale): a reload restarts the workers in about a second.
  const workflowBundle = prebuiltWorkflowBundle() ?? (await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') }));
  const typescriptWorkersFor = (registry: Registry) =>
    startWorkers({
      cfg: options.cfg,
      address: options.temporalAddress,
      store,
      registry,
      queues: workerQueues(registry, options.cfg.CAIRN_TASK_QUEUE),
      // `cairn dev` also reads files in the directory it was started from (the user's own data), besides the configured roots.
      extraDataRoots: [invocationDirectory(options.cfg)],
      workflowBundle,
    });
  // At start a Python worker that cannot start fails the stack (the user sees why at once); on a reload
  // it leaves the Python steps waiting in their queue, says why, and the next reload tries again.
  const workersFor = async (registry: Registry, pythonFailure: 'fail' | 'warn' = 'fail') => {
    const typescript = await typescriptWorkersFor(registry);
    const python = await localPythonWorker(registry, { cfg: options.cfg, temporalAddress: options.temporalAddress, databaseUrl: store.url, progress: say }).catch(async (error: unknown) => {
      if (pythonFailure === 'warn') {
        say(`the Python worker did not start, so Python steps wait in their queue until it does: ${(error as Error).message}`);
        return undefined;
      }
      await typescript.stop();
      throw error;
    });
    return { stop: async () => void (await Promise.all([typescript.stop(), python?.stop()])) };
  };
  let workers = await workersFor(live.current());
  started.push(() => workers.stop());

  const client = await connectClient({ ...options.cfg, TEMPORAL_ADDRESS: options.temporalAddress });
  started.push(() => client.connection.close());
  const sync = async (registry: Registry) => {
    if (!options.syncSchedules) return;
    const synced = await syncSchedules(client, registry, options.cfg.CAIRN_TASK_QUEUE, options.cfg.CAIRN_SPEC_SECRET);
    say(`schedules synced: ${synced.created.length} created, ${synced.updated.length} updated, ${synced.deleted.length} deleted, ${synced.unchanged.length} unchanged`);
  };
  await sync(live.current());
  const api = await startApi({ cfg: options.cfg, client, store, registry: live.registry, host: options.apiHost, port: options.apiPort, temporalUiUrl });
  started.push(() => api.stop());

  return {
    temporalAddress: options.temporalAddress,
    temporalUiUrl,
    startedTemporal: devServer !== undefined,
    apiUrl: api.url,
    reload: async () => {
      const next = await loadRegistry(options.definitions, true);
      const before = [...live.current().pipelines.keys()];
      await workers.stop();
      try {
        workers = await workersFor(next, 'warn');
      } catch (error) {
        // The new definitions load but cannot be served (a step needs a store it lacks...): serve the old ones again.
        workers = await workersFor(live.current(), 'warn');
        throw error;
      }
      live.replace(next);
      await sync(next);
      const after = [...next.pipelines.keys()];
      return { pipelines: after, added: after.filter((id) => !before.includes(id)), removed: before.filter((id) => !after.includes(id)) };
    },
    pythonModuleFiles: () => pythonModuleFiles(live.current(), pythonForModules(options.cfg)),
    // In reverse order of starting: the API, the client, the workers, the store, the dev server, tracing.
    stop: stopStarted,
  };
}
