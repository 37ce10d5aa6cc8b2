/**
 * Cairn from nothing to a finished 10-step run, in a process of its own (bench/peers.ts runs it):
 * start a Temporal dev server as `cairn dev` does, a pipelines worker from the prebuilt workflow
 * bundle, start the no-op chain and wait for it, then stop everything. Prints the milliseconds from
 * this process's start to the run's end.
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createActivities } from '../activities';
import { config } from '../lib/config';
import { defineRegistry } from '../lib/dsl';
import { logger } from '../lib/logger';
import { startRun } from '../lib/runs/startRun';
import { scratchServices } from '../lib/services';
import { connectClient } from '../lib/temporal';
import { resolveTemporalCli, startDevServer } from '../lib/temporalDevServer';
import { createPipelineWorker } from '../workers/createWorker';
import { prebuiltWorkflowBundle } from '../workers/prebuiltWorkflows';
import { chain } from './stepOverhead';

const steps = Number(process.argv[2] ?? 10);
logger.level = 'warn';
Runtime.install({ logger: new DefaultLogger('ERROR') });
const server = await startDevServer({ cliPath: resolveTemporalCli(config().TEMPORAL_CLI_PATH), port: 'any' });
const connection = await NativeConnection.connect({ address: server.address });
const client = await connectClient({ TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'default' });
const workflowBundle = prebuiltWorkflowBundle();
const worker = await createPipelineWorker({
  connection,
  namespace: 'default',
  taskQueue: 'cold-start',
  activities: createActivities(defineRegistry({ pipelines: [] }), scratchServices()),
  runWorkflows: true,
  ...(workflowBundle ? { workflowBundle } : {}),
});
try {
  await worker.runUntil(async () => {
    await (await startRun(client, { pipeline: chain(steps, false), trigger: 'bench', taskQueue: 'cold-start' })).handle.result();
    console.log(JSON.stringify({ ms: Math.round(performance.now()), prebuilt: workflowBundle !== undefined }));
  });
} finally {
  await client.connection.close();
  await connection.close();
  await server.stop();
}
