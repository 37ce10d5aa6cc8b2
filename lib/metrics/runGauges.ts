import type { Client } from '@temporalio/client';
import client from 'prom-client';
import { RUN_STATUSES, runListQuery } from '../runs/listRuns';

/**
 * Run counts by pipeline and status, read from Temporal visibility at scrape time, so every API
 * replica reports the same truth however many workers there are or when they restarted.
 */
export function registerRunGauges(temporal: Client, pipelines: () => string[]): client.Gauge<'pipeline' | 'status'> {
  const existing = client.register.getSingleMetric('cairn_runs') as client.Gauge<'pipeline' | 'status'> | undefined;
  if (existing) client.register.removeSingleMetric('cairn_runs');
  return new client.Gauge({
    name: 'cairn_runs',
    help: 'Runs Temporal still holds (within retention), by pipeline and status; status=awaiting_operator counts the runs waiting for an operator',
    labelNames: ['pipeline', 'status'] as const,
    async collect() {
      this.reset();
      await Promise.all(
        pipelines().flatMap((pipeline) =>
          RUN_STATUSES.map(async (status) => {
            const { count } = await temporal.workflow.count(runListQuery({ pipeline, status }));
            this.set({ pipeline, status }, count);
          }),
        ),
      );
    },
  });
}
