/**
 * step-overhead: an N-step no-op pipeline through Cairn against two hand-written Temporal workflows,
 * in turn on the same dev server in the same process: N bare no-op activities (no input), and N runs
 * of Cairn's own `noop` step activity given the input Cairn gives a step ("same work": what is left
 * between it and Cairn is Cairn's orchestration). Every side first runs 500 steps unmeasured (the
 * same warm-up). Per-step time = run wall time / N; p50 and p99 over the runs; ratio = Cairn / bare,
 * and Cairn / same work.
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { z } from 'zod';
import { DIRECT_STARTER } from '../lib/auth/runAuthority';
import { compile, definePipeline } from '../lib/dsl';
import { runWorkflowId } from '../lib/runIds';
import { config } from '../lib/config';
import { startRun } from '../lib/runs/startRun';
import { connectClient } from '../lib/temporal';
import { resolveTemporalCli, startDevServer } from '../lib/temporalDevServer';
import { bareAndCairnWorker } from './bareWorker';
import { percentile, round } from './stats';

// Regular steps are activity tasks; light steps local activities, against bare local activities.
const SIZES = [
  { steps: 10, runs: 30, light: false },
  { steps: 50, runs: 10, light: false },
  { steps: 10, runs: 30, light: true },
  { steps: 50, runs: 30, light: true },
];
const TASK_QUEUE = 'bench-step-overhead';
/** Steps each side runs before it is measured, at each size. */
const WARM_UP_STEPS = 500;

/** N no-op steps in a line: regular steps (activity tasks), or light ones (local activities). */
export function chain(steps: number, light: boolean) {
  return definePipeline({
    id: `chain-${steps}${light ? '-light' : ''}`,
    params: z.object({}),
    steps: Array.from({ length: steps }, (_, i) => ({ name: `s${i}`, activity: 'noop' as const, light, after: i === 0 ? [] : [`s${i - 1}`] })),
  });
}

export async function stepOverhead(): Promise<string> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  // The server as the Temporal CLI configures it (the names earlier figures were recorded under),
  // then as Cairn starts it (lib/temporalDevServer.ts: queue processors not throttled), prefixed tuned_.
  const byDefault = await measureOn('default');
  const tuned = await measureOn('tuned');
  return [...Object.entries(byDefault), ...Object.entries(tuned).map(([k, v]) => [`tuned_${k}`, v] as const)].map(([k, v]) => `${k}=${v}`).join(' ');
}

async function measureOn(settings: 'default' | 'tuned'): Promise<Record<string, number>> {
  const server = await startDevServer({ cliPath: resolveTemporalCli(config().TEMPORAL_CLI_PATH), port: 'any', settings });
  console.log(`dev server settings: ${settings}`);
  const connection = await NativeConnection.connect({ address: server.address });
  const worker = await bareAndCairnWorker(connection, TASK_QUEUE);
  const client = await connectClient({ TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'default' });
  const figures: Record<string, number> = {};
  try {
    await worker.runUntil(async () => {
      for (const { steps, runs, light } of SIZES) {
        const pipeline = chain(steps, light);
        const cairn: number[] = [];
        const bare: number[] = [];
        const sameWork: number[] = [];
        // The context Cairn gives each step of this pipeline (lib/dsl/stepIo RunContext).
        const context = { runId: runWorkflowId(pipeline.id, 'bench'), pipeline: pipeline.id, specHash: compile(pipeline, {}).spec.hash, trigger: 'bench', params: {}, logicalDate: new Date().toISOString(), startedBy: DIRECT_STARTER, attempt: 1 };
        /** Milliseconds per step of one run of `work`. */
        const perStep = (work: () => Promise<unknown>) => async () => {
          const t0 = performance.now();
          await work();
          return (performance.now() - t0) / steps;
        };
        const timeCairn = perStep(async () => (await startRun(client, { pipeline, trigger: 'bench', taskQueue: TASK_QUEUE })).handle.result());
        const timeBare = perStep(() => client.workflow.execute(light ? 'bareLocalChain' : 'bareChain', { taskQueue: TASK_QUEUE, workflowId: `bare-${steps}-${crypto.randomUUID()}`, args: [steps] }));
        const timeSameWork = perStep(() => client.workflow.execute('sameWorkChain', { taskQueue: TASK_QUEUE, workflowId: `same-${steps}-${crypto.randomUUID()}`, args: [steps, light, context] }));
        const sides = [
          { time: timeCairn, samples: cairn },
          { time: timeSameWork, samples: sameWork },
          { time: timeBare, samples: bare },
        ];
        // Warm-up, the same for every side: worker caches, sticky queues, and the JIT, which needs a
        // few hundred steps before Cairn's larger code runs at its steady speed (one run was not
        // enough: a 300-step chain of light steps went from 4.4 to 3.1 ms per step over its first five runs).
        for (let i = 0; i < Math.ceil(WARM_UP_STEPS / steps); i++) for (const side of sides) await side.time();
        for (let i = 0; i < runs; i++) {
          // Reverse the order every other round so drift on a noisy machine hits every side alike.
          for (const side of i % 2 === 0 ? sides : [...sides].reverse()) side.samples.push(await side.time());
        }
        const row = {
          cairnP50: percentile(cairn, 50),
          cairnP99: percentile(cairn, 99),
          bareP50: percentile(bare, 50),
          bareP99: percentile(bare, 99),
          sameWorkP50: percentile(sameWork, 50),
        };
        const key = `n${steps}${light ? '_light' : ''}`;
        console.log(
          `N=${String(steps).padStart(2)}${light ? ' light' : '      '}  per-step ms  cairn p50 ${row.cairnP50.toFixed(2)} p99 ${row.cairnP99.toFixed(2)}  |  ` +
            `bare temporal p50 ${row.bareP50.toFixed(2)} p99 ${row.bareP99.toFixed(2)}  |  ratio p50 ${(row.cairnP50 / row.bareP50).toFixed(3)}  |  ` +
            `same work p50 ${row.sameWorkP50.toFixed(2)}, ratio ${(row.cairnP50 / row.sameWorkP50).toFixed(3)}  (${runs} runs each)`,
        );
        figures[`${key}_cairn_p50_ms`] = round(row.cairnP50);
        figures[`${key}_cairn_p99_ms`] = round(row.cairnP99);
        figures[`${key}_bare_p50_ms`] = round(row.bareP50);
        figures[`${key}_bare_p99_ms`] = round(row.bareP99);
        figures[`${key}_ratio_p50`] = round(row.cairnP50 / row.bareP50, 3);
        figures[`${key}_same_work_p50_ms`] = round(row.sameWorkP50);
        figures[`${key}_ratio_same_work_p50`] = round(row.cairnP50 / row.sameWorkP50, 3);
      }
    });
  } finally {
    await client.connection.close();
    await connection.close();
    await server.stop();
  }
  return figures;
}
