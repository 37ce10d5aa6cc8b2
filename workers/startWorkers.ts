import { whenTemporalReachable } from '../lib/temporalWhenReachable';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { Config } from '../lib/config';
import type { Registry } from '../lib/dsl/registry';
import { installStrayErrorGuard } from '../lib/faults/strayErrors';
import { servicesFromConfig } from '../lib/services';
import { temporalConnectionOptions } from '../lib/temporalConnection';
import type { Store } from '../lib/store/openStore';
import { createPipelineWorker, type PipelineWorkerOptions } from './createWorker';
import { assertServable } from './unservableSteps';

export interface RunningWorkers {
  workers: Worker[];
  /** Resolves when every worker has stopped; rejects with the first worker that failed. */
  done: Promise<void>;
  /** Shuts every worker down gracefully, waits for them, and closes the connection. */
  stop(): Promise<void>;
}

/**
 * The worker stack, as the worker entry and `cairn dev` both run it: a step's stray errors contained,
 * one connection, the activities with the configured services (store, artifacts, source policy,
 * authority), and one worker per queue; the pipelines queue also runs the workflows. Workers that
 * would be sent steps they cannot run (a step needing the store, and no store) refuse to start.
 */
export async function startWorkers(options: {
  cfg: Config;
  /** The Temporal frontend; TLS and an API key come from cfg. */
  address: string;
  store: Store | undefined;
  registry: Registry;
  queues: { taskQueue: string; runWorkflows: boolean }[];
  /** Data roots besides the registry's and CAIRN_DATA_ROOTS (cairn dev: the directory it was started from). */
  extraDataRoots?: string[];
  /** The workflow code, bundled once (`cairn dev` restarts its workers on each reload of the definitions). */
  workflowBundle?: PipelineWorkerOptions['workflowBundle'];
}): Promise<RunningWorkers> {
  const services = servicesFromConfig(options.cfg, options.store, [...options.registry.dataRoots, ...(options.extraDataRoots ?? [])]);
  assertServable(options.registry, options.queues, services);
  installStrayErrorGuard();
  const connection = await whenTemporalReachable(options.address, () => NativeConnection.connect(temporalConnectionOptions({ ...options.cfg, TEMPORAL_ADDRESS: options.address })));
  const activities = createActivities(options.registry, services);
  const common = { connection, namespace: options.cfg.TEMPORAL_NAMESPACE, activities, shutdownGraceMs: options.cfg.CAIRN_WORKER_SHUTDOWN_GRACE_MS, ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : {}) };
  let workers: Worker[];
  try {
    workers = await Promise.all(options.queues.map((queue) => createPipelineWorker({ ...common, ...queue })));
  } catch (error) {
    await connection.close();
    throw error;
  }
  const runs = workers.map((worker) => worker.run());
  const done = Promise.all(runs).then(() => undefined);
  done.catch(() => undefined); // the caller awaits it; a failure must not also be an unhandled rejection
  return {
    workers,
    done,
    stop: async () => {
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await Promise.allSettled(runs);
      await connection.close();
    },
  };
}
