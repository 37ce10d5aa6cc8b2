import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment, TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import type { StepActivity } from '../../activities/stepActivity';
import { notificationActivities } from '../../activities/notificationActivities';
import { createPipelineWorker } from '../../workers/createWorker';

let runtimeInstalled = false;

/** Keeps test output readable: the Temporal SDK logs only errors (once per test process). */
export function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  runtimeInstalled = true;
}

/** Connects to the dev server that globalSetup started (createFromExistingServer: no fake server). */
export async function connectTestEnv(): Promise<TestWorkflowEnvironment> {
  installQuietRuntime();
  return TestWorkflowEnvironment.createFromExistingServer({ address: inject('temporalAddress') });
}

export function uniqueQueue(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export interface RunningWorker {
  worker: Worker;
  taskQueue: string;
  stop(): Promise<void>;
}

/** A worker on its own task queue, running the bundled workflows and the given activities. */
export async function startTestWorker(
  env: TestWorkflowEnvironment,
  activities: Record<string, StepActivity>,
  options: { taskQueue?: string; runWorkflows?: boolean; maxConcurrentActivities?: number } = {},
): Promise<RunningWorker> {
  const taskQueue = options.taskQueue ?? uniqueQueue('test');
  const worker = await createPipelineWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    // A run announces its failures: with no targets here (a test that wants some passes Cairn's own
    // activities), rather than an unregistered activity logging an error for every announcement.
    activities: { ...(notificationActivities([], undefined, { store: undefined }) as unknown as Record<string, StepActivity>), ...activities },
    runWorkflows: options.runWorkflows ?? true,
    ...(options.maxConcurrentActivities ? { maxConcurrentActivities: options.maxConcurrentActivities } : {}),
    workflowBundle: { codePath: inject('workflowBundlePath') },
  });
  const running = worker.run();
  return {
    worker,
    taskQueue,
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}

/** The SDK's activity context for running one activity in a test, logging only errors. */
export function activityEnvironment(): MockActivityEnvironment {
  return new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });
}
