/**
 * scale: the shapes a run can take at size, on Cairn's tuned dev server with one worker: a 200-step
 * chain, 200- and 2,000-wide fan-outs (then a fan-in step), and 100 concurrent runs of a 10-step
 * chain, all of regular (activity-task) no-op steps, each beside a hand-written Temporal workflow
 * doing the same (bench/bareWorkflows.ts) on the same worker, alternating for three rounds. Prints
 * median wall times, steps per second, the largest history and the ratio to bare Temporal.
 */
import { z } from 'zod';
import { definePipeline } from '../lib/dsl';
import { startRun } from '../lib/runs/startRun';
import { withBenchStack } from './bareWorker';
import { percentile, resultFigures, round } from './stats';

const median = (samples: number[]) => percentile(samples, 50);
const ROUNDS = 3;

const TASK_QUEUE = 'bench-scale';
type Step = { name: string; activity: 'noop'; light: false; after: string[] };
const noop = (name: string, after: string[]): Step => ({ name, activity: 'noop', light: false, after });
const chain = (n: number) => Array.from({ length: n }, (_, i) => noop(`s${i}`, i === 0 ? [] : [`s${i - 1}`]));
const fanOut = (n: number) => [noop('start', []), ...Array.from({ length: n }, (_, i) => noop(`w${i}`, ['start'])), noop('gather', Array.from({ length: n }, (_, i) => `w${i}`))];

export async function scale(): Promise<string> {
  const figures: Record<string, number> = {};
  await withBenchStack(TASK_QUEUE, 100, async (client) => {
    const bare = async (workflow: 'bareChain' | 'bareFanOut', size: number, runs: number) => {
      const started = performance.now();
      await Promise.all(Array.from({ length: runs }, () => client.workflow.execute(workflow, { taskQueue: TASK_QUEUE, workflowId: `bare-${crypto.randomUUID()}`, args: [size] })));
      return (performance.now() - started) / 1000;
    };
    /** One run (or `runs` at once) of `steps` through Cairn: seconds and the largest history. */
    const cairnOnce = async (name: string, steps: Step[], runs: number) => {
      const pipeline = definePipeline({ id: `scale-${name}`, params: z.object({}), steps });
      const started = performance.now();
      const handles = await Promise.all(Array.from({ length: runs }, async () => (await startRun(client, { pipeline, trigger: 'bench', taskQueue: TASK_QUEUE })).handle));
      const results = await Promise.all(handles.map((h) => h.result()));
      const seconds = (performance.now() - started) / 1000;
      if (results.some((r) => r.status !== 'succeeded')) throw new Error(`${name}: a run did not succeed`);
      const largest = Math.max(...(await Promise.all(handles.slice(0, 5).map(async (h) => (await h.fetchHistory()).events?.length ?? 0))));
      return { seconds, largest };
    };
    // Cairn and bare alternate for ROUNDS rounds; the figures are medians (the machine is noisy).
    const measure = async (name: string, steps: Step[], runs: number, baseline: () => Promise<number>) => {
      const cairnSeconds: number[] = [];
      const bareSeconds: number[] = [];
      let largest = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const cairn = await cairnOnce(name, steps, runs);
        cairnSeconds.push(cairn.seconds);
        largest = Math.max(largest, cairn.largest);
        bareSeconds.push(await baseline());
      }
      const seconds = median(cairnSeconds);
      const bare = median(bareSeconds);
      const total = steps.length * runs;
      console.log(
        `${name.padEnd(16)} ${String(runs).padStart(3)} run(s) x ${String(steps.length).padStart(4)} steps: ${seconds.toFixed(2)} s (${cairnSeconds.map((v) => v.toFixed(2)).join(', ')}), ${(total / seconds).toFixed(1)} steps/s, ` +
          `largest history ${largest} events  |  bare Temporal ${bare.toFixed(2)} s (${bareSeconds.map((v) => v.toFixed(2)).join(', ')})  |  ratio ${(seconds / bare).toFixed(2)}`,
      );
      figures[`${name}_bare_s`] = round(bare, 2);
      figures[`${name}_ratio`] = round(seconds / bare, 2);
      figures[`${name}_s`] = round(seconds, 2);
      figures[`${name}_steps_per_s`] = round(total / seconds, 1);
      figures[`${name}_history_events`] = largest;
    };

    await measure('chain200', chain(200), 1, () => bare('bareChain', 200, 1));
    await measure('fanout200', fanOut(200), 1, () => bare('bareFanOut', 200, 1));
    // 1,998 wide plus a start and a fan-in: the 2,000 steps one run may hold (lib/dsl/historyBudget.ts).
    await measure('fanout2000', fanOut(1_998), 1, () => bare('bareFanOut', 1_998, 1));
    await measure('concurrent100', chain(10), 100, () => bare('bareChain', 10, 100));
  });
  return resultFigures(figures);
}
