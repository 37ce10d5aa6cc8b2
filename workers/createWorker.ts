import { Worker, type InjectedSinks, type NativeConnection } from '@temporalio/worker';
import { runsFinished, runsStarted } from '../lib/metrics/metrics';
import type { RunMetricsSinks } from '../workflows/metricsSink';
import { CANCEL_GRACE_MS, type StepActivity } from '../activities/stepActivity';
import { WORKFLOWS_PATH } from './prebuiltWorkflows';
import { currentTracing } from '../lib/tracing/tracing';


export interface PipelineWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Record<string, StepActivity>;
  /** The pipelines queue runs the runPipeline workflow too; a step queue (e.g. cairn-train) runs activities only. */
  runWorkflows: boolean;
  /** A bundle made once by bundleWorkflowCode (tests, benchmarks, `cairn dev` across reloads); otherwise workflows/ is bundled at start. */
  workflowBundle?: { codePath: string } | { code: string };
  maxConcurrentActivities?: number;
  /** How long a dead worker's sticky queue holds workflow tasks before another worker gets them. */
  stickyQueueScheduleToStartTimeout?: string;
  /** On SIGTERM/SIGINT, how long steps in flight may finish before they are cancelled (default 10 s). */
  shutdownGraceMs?: number;
}

/** Turns runPipeline's sink calls into Prometheus counters in this process (not called on replay, but a replaying worker must know them too). */
export const runMetricsSinks: InjectedSinks<RunMetricsSinks> = {
  runMetrics: {
    started: { fn: (_info, pipeline, trigger) => runsStarted.inc({ pipeline, trigger }) },
    finished: { fn: (_info, pipeline, trigger, outcome) => runsFinished.inc({ pipeline, trigger, outcome }) },
  },
};

/** One Temporal worker for one task queue, configured the same way by every entry point and test. */
export async function createPipelineWorker(options: PipelineWorkerOptions): Promise<Worker> {
  const grace = options.shutdownGraceMs ?? 10_000;
  const tracing = currentTracing();
  // A traced worker bundles its workflows at start: the SDK's workflow interceptor has to be in the
  // bundle, and the prebuilt one is made without it (so untraced workers pay nothing for tracing).
  const workflows = options.runWorkflows
    ? options.workflowBundle && !tracing
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: WORKFLOWS_PATH }
    : {};
  const traced = tracing ? await import('../lib/tracing/temporalTracing') : undefined;
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities,
    ...workflows,
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 20,
    // In-flight steps get this long to finish on SIGTERM/SIGINT before they are cancelled (and run again
    // elsewhere, not counted as an attempt); a step that ignores the cancel is abandoned after
    // CANCEL_GRACE_MS, and past that the worker gives up waiting, so shutdown is bounded whatever steps do.
    shutdownGraceTime: grace,
    shutdownForceTime: grace + CANCEL_GRACE_MS + 2_000,
    stickyQueueScheduleToStartTimeout: options.stickyQueueScheduleToStartTimeout ?? '5s',
    sinks: tracing && traced ? { ...runMetricsSinks, ...traced.tracingSinks(tracing) } : runMetricsSinks,
    ...(tracing && traced ? { interceptors: traced.tracingWorkerInterceptors(tracing) } : {}),
  });
}

