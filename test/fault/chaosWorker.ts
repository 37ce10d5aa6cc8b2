/**
 * A worker process for the fault suite: the real worker factory and stray-error guard, the metadata
 * store through DATABASE_URL (with its deadlines), and one step, `chaos-work`, that works for a while
 * (heartbeating, cancellable) and then records itself in the store, so a PostgreSQL outage hits it.
 * Env: TEMPORAL_ADDRESS, TASK_QUEUE, DATABASE_URL, WORKFLOW_BUNDLE, READY_FILE.
 */
import { appendFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { z } from 'zod';
import { toActivity } from '../../activities/stepActivity';
import { defineStep } from '../../lib/dsl';
import { installStrayErrorGuard } from '../../lib/faults/strayErrors';
import { scratchServices } from '../../lib/services';
import { openStore } from '../../lib/store/openStore';
import { createPipelineWorker } from '../../workers/createWorker';
import { CHAOS_EFFECTS_TABLE } from './chaosEffects';

const env = z
  .object({ TEMPORAL_ADDRESS: z.string(), TASK_QUEUE: z.string(), DATABASE_URL: z.string(), WORKFLOW_BUNDLE: z.string(), READY_FILE: z.string() })
  .parse(process.env);

installStrayErrorGuard();
Runtime.install({ logger: new DefaultLogger('ERROR') });
const store = await openStore({ databaseUrl: env.DATABASE_URL, home: '/nonexistent', deadlines: { connectTimeoutMs: 1_000, statementTimeoutMs: 2_000 } });
const chaosWork = defineStep({
  name: 'chaos-work',
  config: z.object({ ms: z.number().int().min(0) }),
  run: async ({ run, config }, { signal, store: services }) => {
    await delay(config.ms, undefined, { signal });
    await services!.pool.query(`INSERT INTO ${CHAOS_EFFECTS_TABLE} (run_id, step, pid) VALUES ($1, $2, $3)`, [run.runId, run.step, process.pid]);
    return { step: run.step, pid: process.pid };
  },
});
const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
const worker = await createPipelineWorker({
  connection,
  namespace: 'default',
  taskQueue: env.TASK_QUEUE,
  activities: { [chaosWork.name]: toActivity(chaosWork, { ...scratchServices(store), store }) },
  runWorkflows: true,
  workflowBundle: { codePath: env.WORKFLOW_BUNDLE },
  stickyQueueScheduleToStartTimeout: '1s',
});
appendFileSync(env.READY_FILE, `${process.pid}\n`);
await worker.run();
await connection.close();
await store.close();
process.exit(0);
