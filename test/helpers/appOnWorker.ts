import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Registry } from '../../lib/dsl/registry';
import { createApp } from '../../server/app';
import type { SecurityOptions } from '../../server/deps';
import type { TestStore } from './postgres';
import type { RunningWorker } from './temporal';

/** The API over a test's Temporal server, store and worker queue, with the security options it is about. */
export function appOnWorker(env: TestWorkflowEnvironment, registry: Registry, testStore: TestStore, worker: RunningWorker, security: Partial<SecurityOptions>) {
  return createApp({ client: env.client, registry, store: testStore.store, artifacts: testStore.artifacts, taskQueue: worker.taskQueue, temporalUiUrl: null, security });
}
