import { connectClient } from '../lib/temporal';
import { createServer } from 'node:http';
import { Runtime } from '@temporalio/worker';
import { sdkLogging } from '../lib/sdkLogger';
import { registry as metricsRegistry } from '../lib/metrics/metrics';
import { syncSchedules } from '../lib/schedules/syncSchedules';
import { openStoreWhenReachable } from '../lib/store/openStore';
import { config, otlpTraces, storeDeadlines } from '../lib/config';
import { startTracing } from '../lib/tracing/tracing';
import { definitionsPath, loadRegistry } from '../lib/definitions';
import { logger } from '../lib/logger';
import { prebuiltWorkflowBundle } from './prebuiltWorkflows';
import { startWorkers, type RunningWorkers } from './startWorkers';

/**
 * Runs a worker until SIGINT/SIGTERM (the Temporal runtime turns those into a graceful shutdown:
 * no new tasks, in-flight steps get the grace time). Exits non-zero on a start-up error.
 */
export async function runWorker(taskQueue: string, runWorkflows: boolean): Promise<void> {
  const cfg = config();
  const tracing = await startTracing(otlpTraces(cfg));
  const registry = await loadRegistry(definitionsPath(cfg));
  // The SDK's own log lines (Core's too) through Cairn's logger; its metrics when a port is given.
  const logging = sdkLogging(logger);
  const metricsPort = cfg.CAIRN_WORKER_METRICS_PORT;
  Runtime.install({
    logger: logging.logger,
    telemetryOptions: { ...logging.telemetryOptions, ...(metricsPort ? { metrics: { prometheus: { bindAddress: `${cfg.CAIRN_HOST}:${metricsPort + 1}` } } } : {}) },
  });
  const metricsServer = metricsPort ? await serveWorkerMetrics(cfg.CAIRN_HOST, metricsPort) : undefined;
  // The embedded store belongs to one process (`cairn dev`): a standalone worker records metadata only with DATABASE_URL.
  const store = cfg.DATABASE_URL ? await openStoreWhenReachable({ databaseUrl: cfg.DATABASE_URL, home: cfg.CAIRN_HOME, deadlines: storeDeadlines(cfg) }) : undefined;
  let running: RunningWorkers | undefined;
  try {
    const workflowBundle = runWorkflows ? prebuiltWorkflowBundle() : undefined;
    running = await startWorkers({ cfg, address: cfg.TEMPORAL_ADDRESS, store, registry, queues: [{ taskQueue, runWorkflows }], ...(workflowBundle ? { workflowBundle } : {}) });
    if (runWorkflows && cfg.CAIRN_SYNC_SCHEDULES) {
      const client = await connectClient(cfg);
      logger.info(await syncSchedules(client, registry, taskQueue, cfg.CAIRN_SPEC_SECRET), 'schedules synced');
      await client.connection.close();
    }
    logger.info({ taskQueue, runWorkflows, address: cfg.TEMPORAL_ADDRESS }, 'worker started');
    // SIGINT/SIGTERM reach the Temporal runtime, which shuts the worker down gracefully.
    await running.done;
    logger.info({ taskQueue }, 'worker stopped');
  } finally {
    await running?.stop();
    await store?.close();
    metricsServer?.close();
    await tracing?.shutdown();
  }
}

/**
 * Cairn's metrics of this worker (steps, runs) on `port`, and the Temporal SDK's own worker metrics
 * (task latencies, slots, polls) on `port + 1`, both at /metrics; /healthz on `port` for probes.
 */
async function serveWorkerMetrics(host: string, port: number) {
  const server = createServer((request, response) => {
    // A container's liveness probe: the worker process is up and serving.
    if (request.url === '/healthz') {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    metricsRegistry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(text),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  logger.info({ cairn: `http://${host}:${port}/metrics`, sdk: `http://${host}:${port + 1}/metrics` }, 'worker metrics');
  return server;
}
