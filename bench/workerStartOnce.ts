/**
 * One worker start in a process of its own (bench/workerStart.ts runs it): prints the milliseconds
 * from this process's start to a pipelines worker ready, bundling the workflows itself or not.
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createActivities } from '../activities';
import { defineRegistry } from '../lib/dsl';
import { scratchServices } from '../lib/services';
import { createPipelineWorker } from '../workers/createWorker';
import { prebuiltWorkflowBundle } from '../workers/prebuiltWorkflows';

const [address, mode] = process.argv.slice(2);
Runtime.install({ logger: new DefaultLogger('ERROR') });
const connection = await NativeConnection.connect({ address: address as string });
const workflowBundle = mode === 'prebuilt' ? prebuiltWorkflowBundle() : undefined;
if (mode === 'prebuilt' && !workflowBundle) throw new Error('no fresh prebuilt bundle');
const worker = await createPipelineWorker({
  connection,
  namespace: 'default',
  taskQueue: `bench-start-${crypto.randomUUID()}`,
  activities: createActivities(defineRegistry({ pipelines: [] }), scratchServices()),
  runWorkflows: true,
  ...(workflowBundle ? { workflowBundle } : {}),
});
console.log(Math.round(performance.now()));
await worker.runUntil(Promise.resolve());
await connection.close();
