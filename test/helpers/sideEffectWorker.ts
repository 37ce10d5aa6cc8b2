/**
 * A real worker process for the crash and fault tests: the same factory as workers/, the same
 * stray-error guard as workers/runWorker.ts, one step that appends every start and finish to a
 * side-effect log (so tests count what really ran where), and steps that misbehave on purpose.
 * Env: TEMPORAL_ADDRESS, TASK_QUEUE, SIDE_EFFECT_LOG, WORKFLOW_BUNDLE; optional ARTIFACTS_DIR (shared
 * by every worker of a test), SHUTDOWN_GRACE_MS.
 */
import { appendFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { z } from 'zod';
import { toActivity } from '../../activities/stepActivity';
import { ArtifactStore } from '../../lib/artifacts/artifactStore';
import { defineStep } from '../../lib/dsl';
import { installStrayErrorGuard } from '../../lib/faults/strayErrors';
import { scratchServices } from '../../lib/services';
import { createPipelineWorker } from '../../workers/createWorker';

const env = z
  .object({
    TEMPORAL_ADDRESS: z.string(),
    TASK_QUEUE: z.string(),
    SIDE_EFFECT_LOG: z.string(),
    WORKFLOW_BUNDLE: z.string(),
    ARTIFACTS_DIR: z.string().optional(),
    SHUTDOWN_GRACE_MS: z.coerce.number().optional(),
  })
  .parse(process.env);
const log = (line: string) => appendFileSync(env.SIDE_EFFECT_LOG, `${line} ${process.pid}\n`);

const sideEffect = defineStep({
  name: 'side-effect',
  config: z.object({ ms: z.number() }),
  run: async ({ run, config }, { signal, attempt }) => {
    log(`start ${run.step} ${attempt}`);
    await delay(config.ms, undefined, { signal });
    log(`done ${run.step} ${attempt}`);
    return { step: run.step, pid: process.pid };
  },
});

/** Each way a step can misbehave, by name; each logs its start so tests know it ran. */
const misbehaviours: Record<string, (signal: AbortSignal) => Promise<unknown>> = {
  // An async error nobody awaits: Node's default ends the process.
  'unhandled-rejection': async () => {
    void Promise.reject(new Error('rejected where nobody awaited'));
    await delay(30_000);
  },
  'timer-throw': async () => {
    setTimeout(() => {
      throw new Error('thrown inside a timer');
    }, 10);
    await delay(30_000);
  },
  'throw-object': () => Promise.reject({ code: 42, detail: 'a plain object' }),
  'throw-null': () => Promise.reject(null),
  'throw-string': () => Promise.reject('just a string'),
  // Never settles, never heartbeats: only a manual-heartbeat step is caught before its timeout.
  hang: () => new Promise(() => undefined),
  // Ignores cancellation and keeps the worker busy.
  'ignore-cancel': () => delay(120_000),
};

const misbehave = defineStep({
  name: 'misbehave',
  config: z.object({ how: z.enum(Object.keys(misbehaviours) as [string, ...string[]]) }),
  run: async ({ run, config }, { signal }) => {
    log(`start ${run.step} 1`);
    await misbehaviours[config.how]!(signal);
    return { step: run.step };
  },
});

const hangManual = defineStep({
  name: 'hang-manual',
  heartbeat: 'manual',
  run: async ({ run }, { heartbeat }) => {
    log(`start ${run.step} 1`);
    heartbeat({ phase: 'started' });
    await new Promise(() => undefined);
    return null;
  },
});

installStrayErrorGuard();
Runtime.install({ logger: new DefaultLogger('ERROR') });
const services = env.ARTIFACTS_DIR ? { ...scratchServices(), artifacts: new ArtifactStore(env.ARTIFACTS_DIR) } : scratchServices();
const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
const worker = await createPipelineWorker({
  connection,
  namespace: 'default',
  taskQueue: env.TASK_QUEUE,
  activities: Object.fromEntries([sideEffect, misbehave, hangManual].map((step) => [step.name, toActivity(step, services)])),
  runWorkflows: true,
  workflowBundle: { codePath: env.WORKFLOW_BUNDLE },
  stickyQueueScheduleToStartTimeout: '1s',
  // Few slots, so a worker cannot take a whole fan-out before its peer polls (the shared-queue test).
  maxConcurrentActivities: 4,
  ...(env.SHUTDOWN_GRACE_MS === undefined ? {} : { shutdownGraceMs: env.SHUTDOWN_GRACE_MS }),
});
log('ready');
await worker.run();
log('stopped');
await connection.close();
// As workers/ do (runMain's exitWhenDone): an abandoned step must not keep the process alive.
process.exit(0);
