import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { config } from '../lib/config';
import { connectClient } from '../lib/temporal';
import { resolveTemporalCli, startDevServer } from '../lib/temporalDevServer';
import { createActivities } from '../activities';
import { defineRegistry } from '../lib/dsl';
import { scratchServices } from '../lib/services';
import { createPipelineWorker } from '../workers/createWorker';

/**
 * The worker the comparison benchmarks run both sides on: Cairn's runPipeline and the hand-written
 * baselines of bench/bareWorkflows.ts in one bundle, Cairn's built-in stages and the baselines'
 * `bareNoop` activity, so neither side gets a worker of its own.
 */
export async function bareAndCairnWorker(connection: NativeConnection, taskQueue: string, maxConcurrentActivities?: number) {
  const bundle = await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./bareWorkflows.ts', import.meta.url)), logger: new DefaultLogger('ERROR') });
  return createPipelineWorker({
    connection,
    namespace: 'default',
    taskQueue,
    activities: { ...createActivities(defineRegistry({ pipelines: [] }), scratchServices()), bareNoop: async () => null },
    runWorkflows: true,
    ...(maxConcurrentActivities ? { maxConcurrentActivities } : {}),
    workflowBundle: { code: bundle.code },
  });
}

/**
 * Cairn's tuned dev server on a free port, the shared worker (bareAndCairnWorker) on `taskQueue` and
 * a client: `work` runs while the worker does, and everything is stopped after, whatever happens.
 */
export async function withBenchStack(taskQueue: string, maxConcurrentActivities: number, work: (client: Client) => Promise<void>): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const server = await startDevServer({ cliPath: resolveTemporalCli(config().TEMPORAL_CLI_PATH), port: 'any' });
  const connection = await NativeConnection.connect({ address: server.address });
  const client = await connectClient({ TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'default' });
  try {
    const worker = await bareAndCairnWorker(connection, taskQueue, maxConcurrentActivities);
    await worker.runUntil(() => work(client));
  } finally {
    await client.connection.close();
    await connection.close();
    await server.stop();
  }
}
