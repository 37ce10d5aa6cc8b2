import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger, type NativeConnection } from '@temporalio/worker';
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
