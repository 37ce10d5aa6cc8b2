import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { syncSchedules } from '../lib/schedules/syncSchedules';
import { createActivities } from '../activities';
import { registry } from '../definitions';
import { config } from '../lib/config';
import { logger } from '../lib/logger';
import { createPipelineWorker } from './createWorker';

/**
 * Runs a worker until SIGINT/SIGTERM (the Temporal runtime turns those into a graceful shutdown:
 * no new tasks, in-flight steps get the grace time). Exits non-zero on a start-up error.
 */
export async function runWorker(taskQueue: string, runWorkflows: boolean): Promise<void> {
  const cfg = config();
  const connection = await NativeConnection.connect({ address: cfg.TEMPORAL_ADDRESS });
  try {
    const worker = await createPipelineWorker({
      connection,
      namespace: cfg.TEMPORAL_NAMESPACE,
      taskQueue,
      activities: createActivities(registry),
      runWorkflows,
    });
    if (runWorkflows && cfg.CAIRN_SYNC_SCHEDULES) {
      const client = new Client({ connection: await Connection.connect({ address: cfg.TEMPORAL_ADDRESS }), namespace: cfg.TEMPORAL_NAMESPACE });
      logger.info(await syncSchedules(client, registry, taskQueue), 'schedules synced');
      await client.connection.close();
    }
    logger.info({ taskQueue, runWorkflows, address: cfg.TEMPORAL_ADDRESS }, 'worker started');
    await worker.run();
    logger.info({ taskQueue }, 'worker stopped');
  } finally {
    await connection.close();
  }
}
