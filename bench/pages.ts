/**
 * pages: server time of Cairn's web pages with real data behind them, on the tuned dev server and
 * PostgreSQL. 1,000 finished runs in Temporal visibility, then the runs page (its default 100 rows,
 * and all 1,000), and the run page of a finished 50-step run (a DAG of ten layers of five). Each is
 * timed beside its baseline in the same process: the JSON API calls the page makes itself (the runs
 * list; the run, its timeline, artifacts and logs), so the ratio is what drawing the page costs on
 * top of fetching its data. Requests go through app.request (no socket), interleaved, medians of 40;
 * the run page's first draw (when dagre lays its graph out, kept afterwards) is reported on its own.
 */
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { createActivities } from '../activities';
import { config } from '../lib/config';
import { definePipeline, defineRegistry } from '../lib/dsl';
import { logger } from '../lib/logger';
import { listRuns } from '../lib/runs/listRuns';
import { startRun } from '../lib/runs/startRun';
import { scratchServices } from '../lib/services';
import { openStore } from '../lib/store/openStore';
import { createScratchDatabase } from '../lib/store/scratchDatabase';
import { connectClient } from '../lib/temporal';
import { resolveTemporalCli, startDevServer } from '../lib/temporalDevServer';
import { servingModels } from '../lib/serving/servingModels';
import { PredictionLog } from '../lib/serving/predictionLog';
import { createApp } from '../server/app';
import { createPipelineWorker } from '../workers/createWorker';
import { percentile, resultFigures, round } from './stats';

const RUNS = 1_000;
const SAMPLES = 40;
const STARTING_AT_ONCE = 50;
const TASK_QUEUE = 'bench-pages';

const single = definePipeline({ id: 'bench-single', params: z.object({}), steps: { only: { activity: 'noop' } } });
/** Fifty no-op steps in ten layers of five, each step after every step of the layer before. */
const fiftySteps = definePipeline({
  id: 'bench-fifty',
  params: z.object({}),
  steps: Object.fromEntries(
    Array.from({ length: 50 }, (_, i) => {
      const layer = Math.floor(i / 5);
      const after = layer === 0 ? [] : Array.from({ length: 5 }, (_, k) => `s${(layer - 1) * 5 + k}`);
      return [`s${i}`, { activity: 'noop', after }];
    }),
  ),
});

export async function pages(): Promise<string> {
  logger.level = 'warn';
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-pages-'));
  const database = await createScratchDatabase(config().DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', 'cairn_bench');
  const store = await openStore({ databaseUrl: database.url, home: dir });
  const server = await startDevServer({ cliPath: resolveTemporalCli(config().TEMPORAL_CLI_PATH), port: 'any', settings: 'tuned' });
  const connection = await NativeConnection.connect({ address: server.address });
  const client = await connectClient({ TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'default' });
  const registry = defineRegistry({ pipelines: [single, fiftySteps] });
  const services = scratchServices(store);
  const worker = await createPipelineWorker({ connection, namespace: 'default', taskQueue: TASK_QUEUE, activities: createActivities(registry, services), runWorkflows: true });
  const predictionLog = new PredictionLog(store.pool);
  const app = createApp({
    client,
    registry,
    taskQueue: TASK_QUEUE,
    temporalUiUrl: null,
    store,
    artifacts: services.artifacts,
    models: servingModels(store.pool, services.artifacts, null),
    predictionLog,
    security: {},
  });
  const figures: Record<string, number> = {};
  try {
    await worker.runUntil(async () => {
      const seeding = performance.now();
      for (let started = 0; started < RUNS; started += STARTING_AT_ONCE) {
        const batch = await Promise.all(Array.from({ length: Math.min(STARTING_AT_ONCE, RUNS - started) }, () => startRun(client, { pipeline: single, trigger: 'bench', taskQueue: TASK_QUEUE })));
        await Promise.all(batch.map((run) => run.handle.result()));
      }
      const fifty = await startRun(client, { pipeline: fiftySteps, trigger: 'bench', taskQueue: TASK_QUEUE });
      await fifty.handle.result();
      // Visibility lags the runs' ends by a moment.
      while ((await listRuns(client, { limit: RUNS + 1 })).length < RUNS + 1) await new Promise((resolve) => setTimeout(resolve, 500));
      console.log(`seeded ${RUNS + 1} finished runs in ${round((performance.now() - seeding) / 1000, 1)} s`);

      const runPath = encodeURIComponent(fifty.runId);
      const timed = async (paths: string[]) => {
        const t0 = performance.now();
        const answers = await Promise.all(paths.map((path) => app.request(path)));
        for (const answer of answers) {
          if (answer.status !== 200) throw new Error(`${answer.url}: ${answer.status} ${await answer.text()}`);
          await answer.arrayBuffer();
        }
        return performance.now() - t0;
      };
      const cases = {
        runs_page_100: [`/ui/runs`],
        runs_api_100: [`/api/v1/runs?limit=100`, `/api/v1/pipelines`],
        runs_page_1000: [`/ui/runs?limit=1000`],
        runs_api_1000: [`/api/v1/runs?limit=1000`, `/api/v1/pipelines`],
        run_page_50_steps: [`/ui/runs/${runPath}`],
        run_api_50_steps: [`/api/v1/runs/${runPath}`, `/api/v1/runs/${runPath}/timeline`, `/api/v1/runs/${runPath}/artifacts`, `/api/v1/runs/${runPath}/logs?limit=2000`],
      };
      const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, [] as number[]]));
      // Warm-up: the first request builds routers; the run page's first draw also lays out its graph (kept after that).
      for (const [name, paths] of Object.entries(cases)) {
        const first = await timed(paths);
        if (name === 'run_page_50_steps') figures.run_page_50_steps_first_ms = round(first, 1);
      }
      for (let i = 0; i < SAMPLES; i++) for (const [name, paths] of Object.entries(cases)) samples[name]!.push(await timed(paths));
      for (const [name, values] of Object.entries(samples)) {
        figures[`${name}_p50_ms`] = round(percentile(values, 50), 1);
        figures[`${name}_p90_ms`] = round(percentile(values, 90), 1);
      }
      const rows = (await (await app.request('/ui/runs?limit=1000')).text()).match(/data-testid="run-row"/g)?.length ?? 0;
      if (rows !== RUNS) throw new Error(`the runs page drew ${rows} rows, expected ${RUNS}`);
    });
  } finally {
    await predictionLog.close();
    await client.connection.close();
    await connection.close();
    await server.stop();
    await store.close();
    await database.drop();
  }
  const ratio = (page: string, api: string) => round(figures[`${page}_p50_ms`]! / figures[`${api}_p50_ms`]!, 2);
  figures.runs_100_page_vs_api = ratio('runs_page_100', 'runs_api_100');
  figures.runs_1000_page_vs_api = ratio('runs_page_1000', 'runs_api_1000');
  figures.run_50_page_vs_api = ratio('run_page_50_steps', 'run_api_50_steps');
  console.log(`server time p50 (p90), ${SAMPLES} samples each, ${RUNS} runs in the store:`);
  console.log(`  runs page, 100 rows:   ${figures.runs_page_100_p50_ms} ms (${figures.runs_page_100_p90_ms}) | its API calls ${figures.runs_api_100_p50_ms} ms | ${figures.runs_100_page_vs_api}x`);
  console.log(`  runs page, 1000 rows:  ${figures.runs_page_1000_p50_ms} ms (${figures.runs_page_1000_p90_ms}) | its API calls ${figures.runs_api_1000_p50_ms} ms | ${figures.runs_1000_page_vs_api}x`);
  console.log(`  run page, 50 steps:    ${figures.run_page_50_steps_p50_ms} ms (${figures.run_page_50_steps_p90_ms}) | its API calls ${figures.run_api_50_steps_p50_ms} ms | ${figures.run_50_page_vs_api}x; first draw (graph laid out) ${figures.run_page_50_steps_first_ms} ms`);
  return resultFigures({ runs: RUNS, ...figures });
}
