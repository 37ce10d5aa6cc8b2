import { queuesByWorker, type Registry } from '../lib/dsl/registry';
import type { StepServices } from '../lib/dsl/defineStep';
import { ConfigError } from '../lib/errors';
import { activityNameOf, queueOf } from '../lib/dsl/compile';
import { activitySteps } from '../lib/dsl/walkSteps';
import { stageOf } from '../lib/stages';
import { stepTaskQueue } from '../lib/taskQueues';

export interface HostedQueue {
  taskQueue: string;
  /** The pipelines queue runs the workflows, and with them every step that names no queue. */
  runWorkflows: boolean;
}

/**
 * The registry's steps that workers on these queues would be sent but cannot run: each declares it
 * needs the metadata store, and the workers have none. Steps other workers run (`remoteStep`) are
 * theirs to check.
 */
export function unservableSteps(registry: Pick<Registry, 'pipelines'>, queues: readonly HostedQueue[], services: Pick<StepServices, 'store'>): string[] {
  if (services.store) return [];
  const hosts = (queue: string | undefined) => queues.some((q) => (queue === undefined ? q.runWorkflows : q.taskQueue === stepTaskQueue(queue)));
  const problems: string[] = [];
  for (const pipeline of registry.pipelines.values()) {
    for (const { path, step } of activitySteps(pipeline.steps)) {
      const activity = step.activity;
      const needsStore = stageOf(activity)?.needsStore ?? (typeof activity !== 'string' && 'needsStore' in activity && activity.needsStore);
      if (needsStore && hosts(queueOf(step))) problems.push(`pipeline '${pipeline.id}' step '${path}' (${activityNameOf(activity)})`);
    }
  }
  return problems;
}

/** Refuses to start workers that would accept steps they must fail: better a clear start-up error than failed runs later. */
export function assertServable(registry: Pick<Registry, 'pipelines'>, queues: readonly HostedQueue[], services: Pick<StepServices, 'store'>): void {
  // A worker polls a whole queue: one on another worker's queue (a Python step's) would take its tasks and fail them.
  const { remote } = queuesByWorker(registry.pipelines.values());
  const taken = queues.filter((q) => !q.runWorkflows && remote.some((name) => stepTaskQueue(name) === q.taskQueue));
  if (taken.length > 0) {
    throw new ConfigError(
      `${taken.map((q) => q.taskQueue).join(', ')}: the definitions send remote steps (pythonStep, remoteStep) there, which this worker cannot run; ` +
        'run their own worker on that queue (python -m cairn_steps.worker --queue <name> --module <file> for Python steps)',
    );
  }
  const problems = unservableSteps(registry, queues, services);
  if (problems.length === 0) return;
  throw new ConfigError(
    `this worker has no metadata store, and ${problems.length} step(s) it would run record to one: ${problems.join(', ')}. ` +
      'Set DATABASE_URL (or run them under `cairn dev`), or give those steps a queue served by a worker that has a store.',
  );
}
