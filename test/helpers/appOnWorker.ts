import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Registry } from '../../lib/dsl/registry';
import { PredictionLog } from '../../lib/serving/predictionLog';
import { createApp } from '../../server/app';
import type { SecurityOptions } from '../../server/deps';
import type { TestStore } from './postgres';
import type { RunningWorker } from './temporal';
import { appDeps } from './appDeps';

/** The API over a test's Temporal server, store and worker queue, with the security options it is about. */
export function appOnWorker(env: TestWorkflowEnvironment, registry: Registry, testStore: TestStore, worker: RunningWorker, security: Partial<SecurityOptions>) {
  return createApp(appDeps({ client: env.client, registry, store: testStore.store, artifacts: testStore.artifacts, predictionLog: new PredictionLog(testStore.store.pool), taskQueue: worker.taskQueue, security }));
}
