/**
 * A real worker process for the crash tests: the same factory as workers/, plus one step that
 * appends every start and finish to a side-effect log, so tests can count what really ran where.
 * Env: TEMPORAL_ADDRESS, TASK_QUEUE, SIDE_EFFECT_LOG, WORKFLOW_BUNDLE.
 */
import { appendFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { z } from 'zod';
import { toActivity } from '../../activities/stepActivity';
import { defineStep } from '../../lib/dsl';
import { createPipelineWorker } from '../../workers/createWorker';
import { scratchServices } from '../../lib/services';

const env = z.object({ TEMPORAL_ADDRESS: z.string(), TASK_QUEUE: z.string(), SIDE_EFFECT_LOG: z.string(), WORKFLOW_BUNDLE: z.string() }).parse(process.env);
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

Runtime.install({ logger: new DefaultLogger('ERROR') });
const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
const worker = await createPipelineWorker({
  connection,
  namespace: 'default',
  taskQueue: env.TASK_QUEUE,
  activities: { 'side-effect': toActivity(sideEffect, scratchServices()) },
  runWorkflows: true,
  workflowBundle: { codePath: env.WORKFLOW_BUNDLE },
  stickyQueueScheduleToStartTimeout: '1s',
});
log('ready');
await worker.run();
log('stopped');
await connection.close();
