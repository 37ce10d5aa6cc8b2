/**
 * map: a dynamic map of no-op items (regular activity-task steps, `noop` with `light: false`) at
 * concurrency 20 and 100, beside a hand-written Temporal workflow running the same no-op activities
 * with the same concurrency limit in one workflow (bench/bareWorkflows.ts `bareMap`), on the same
 * worker and tuned dev server, alternating for three rounds; then one 10,000-item map, with its wall
 * time and history sizes (the run's own and its largest batch's), against Temporal's 51,200-event limit.
 */
import { z } from 'zod';
import { definePipeline } from '../lib/dsl';
import { startRun } from '../lib/runs/startRun';
import type { Client } from '@temporalio/client';
import { withBenchStack } from './bareWorker';
import { percentile, resultFigures, round } from './stats';

const TASK_QUEUE = 'bench-map';
const ROUNDS = 3;
const median = (samples: number[]) => percentile(samples, 50);

const mapPipeline = (concurrency: number) =>
  definePipeline({
    id: `bench-map-${concurrency}`,
    params: z.object({ items: z.array(z.number().int()) }),
    steps: { each: { activity: 'noop', light: false, map: { over: { param: 'items' }, concurrency } } },
  });

/** Events in a workflow's history. */
async function historyEvents(client: Client, workflowId: string): Promise<number> {
  return (await client.workflow.getHandle(workflowId).fetchHistory()).events?.length ?? 0;
}

export async function map(): Promise<string> {
  const figures: Record<string, number> = {};
  await withBenchStack(TASK_QUEUE, 200, async (client) => {
    const cairnOnce = async (items: number, concurrency: number) => {
      const started = performance.now();
      const { handle } = await startRun(client, { pipeline: mapPipeline(concurrency), params: { items: Array.from({ length: items }, (_, i) => i) }, trigger: 'bench', taskQueue: TASK_QUEUE });
      const result = await handle.result();
      const seconds = (performance.now() - started) / 1000;
      if (result.status !== 'succeeded') throw new Error('the map run did not succeed');
      const events = (await handle.fetchHistory()).events ?? [];
      const children = events.flatMap((e) => (e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId ? [e.startChildWorkflowExecutionInitiatedEventAttributes.workflowId] : []));
      const childEvents: number[] = [];
      for (const id of children) childEvents.push(await historyEvents(client, id));
      return { seconds, runEvents: events.length, batches: children.length, largestBatchEvents: Math.max(...childEvents) };
    };
    const bareOnce = async (items: number, concurrency: number) => {
      const started = performance.now();
      const workflowId = `bare-map-${crypto.randomUUID()}`;
      await client.workflow.execute('bareMap', { taskQueue: TASK_QUEUE, workflowId, args: [items, concurrency] });
      return { seconds: (performance.now() - started) / 1000, events: await historyEvents(client, workflowId) };
    };

    for (const concurrency of [20, 100]) {
      const items = 1_000;
      const cairn: number[] = [];
      const bare: number[] = [];
      let shape = { runEvents: 0, batches: 0, largestBatchEvents: 0 };
      let bareEvents = 0;
      for (let r = 0; r < ROUNDS; r++) {
        const once = await cairnOnce(items, concurrency);
        cairn.push(once.seconds);
        shape = once;
        const b = await bareOnce(items, concurrency);
        bare.push(b.seconds);
        bareEvents = b.events;
      }
      const [c, b] = [median(cairn), median(bare)];
      console.log(
        `${items} items at concurrency ${concurrency}: Cairn ${c.toFixed(2)} s (${cairn.map((v) => v.toFixed(2)).join(', ')}), ${(items / c).toFixed(0)} items/s, run history ${shape.runEvents} events, ${shape.batches} batches of at most ${shape.largestBatchEvents} events  |  ` +
          `bare Temporal ${b.toFixed(2)} s (${bare.map((v) => v.toFixed(2)).join(', ')}), ${(items / b).toFixed(0)} items/s, ${bareEvents} events in one history  |  ratio ${(c / b).toFixed(2)}`,
      );
      Object.assign(figures, {
        [`c${concurrency}_items_per_s`]: round(items / c, 0),
        [`c${concurrency}_bare_items_per_s`]: round(items / b, 0),
        [`c${concurrency}_ratio`]: round(c / b, 2),
      });
    }
    const big = await cairnOnce(10_000, 100);
    console.log(`10,000 items at concurrency 100: ${big.seconds.toFixed(1)} s, ${(10_000 / big.seconds).toFixed(0)} items/s; run history ${big.runEvents} events; ${big.batches} batches, the largest ${big.largestBatchEvents} events (Temporal's limit: 51,200 per history)`);
    Object.assign(figures, { items10k_s: round(big.seconds, 1), items10k_run_events: big.runEvents, items10k_batches: big.batches, items10k_largest_batch_events: big.largestBatchEvents });
  });
  return resultFigures(figures);
}
