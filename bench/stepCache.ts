/**
 * step-cache: a 200,000-row, 20-feature table through ingest -> train (gradient-boosted trees, 50
 * rounds) -> evaluate, on Cairn's dev server with the metadata store. The same pipeline with every
 * step `cache: true`: its first run (the cache is empty: the steps, plus the lookups and records),
 * then identical runs (every step a verified hit: the file fingerprinted, each artifact re-hashed),
 * and `--no-cache` runs (cache: 'refresh'); beside the pipeline without `cache` (the baseline),
 * alternating, medians of 3.
 * Needs PostgreSQL (DATABASE_URL, else the local server on 127.0.0.1:5432).
 */
import { once } from 'node:events';
import { createWriteStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { z } from 'zod';
import { createActivities } from '../activities';
import { config } from '../lib/config';
import { definePipeline, defineRegistry } from '../lib/dsl';
import { logger } from '../lib/logger';
import type { CachePolicy } from '../lib/runContract/stepCache';
import { startRun } from '../lib/runs/startRun';
import { scratchServices } from '../lib/services';
import { openStore } from '../lib/store/openStore';
import { createScratchDatabase } from '../lib/store/scratchDatabase';
import { connectClient } from '../lib/temporal';
import { resolveTemporalCli, startDevServer } from '../lib/temporalDevServer';
import { createPipelineWorker } from '../workers/createWorker';
import { round } from './stats';
import { syntheticClasses } from './syntheticClasses';

const ROWS = 200_000;
const FEATURES = 20;
const RUNS = 3;
const TASK_QUEUE = 'bench-step-cache';

async function writeTable(path: string): Promise<void> {
  const { x, y } = syntheticClasses({ rows: ROWS, features: FEATURES, classes: 3, noise: 0.5 });
  const out = createWriteStream(path);
  out.write(`${Array.from({ length: FEATURES }, (_, f) => `f${f}`).join(',')},label\n`);
  for (let r = 0; r < ROWS; r++) {
    const row = Array.from({ length: FEATURES }, (_, f) => (x[r * FEATURES + f] as number).toFixed(4));
    if (!out.write(`${row.join(',')},c${y[r]}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

function pipeline(id: string, path: string, cache: boolean) {
  return definePipeline({
    id,
    params: z.object({}),
    steps: {
      data: { activity: 'ingest', config: { source: path }, cache },
      fit: { activity: 'train', after: ['data'], config: { target: 'label', algorithm: 'gradient-boosted-trees', rounds: 50 }, cache, heartbeat: '5m' },
      score: { activity: 'evaluate', after: ['fit'], cache },
    },
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

export async function stepCache(): Promise<string> {
  logger.level = 'warn';
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-cache-'));
  const csv = join(dir, 'table.csv');
  await writeTable(csv);
  const database = await createScratchDatabase(config().DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', 'cairn_bench');
  const store = await openStore({ databaseUrl: database.url, home: dir });
  const server = await startDevServer({ cliPath: resolveTemporalCli(config().TEMPORAL_CLI_PATH), port: 'any', settings: 'tuned' });
  const connection = await NativeConnection.connect({ address: server.address });
  const client = await connectClient({ TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'default' });
  const cached = pipeline('cached', csv, true);
  const plain = pipeline('plain', csv, false);
  const registry = defineRegistry({ pipelines: [cached, plain] });
  const services = { ...scratchServices(store, { dataRoots: [dir], allowHosts: [], privateHosts: [], sqlConnections: {} }) };
  const worker = await createPipelineWorker({ connection, namespace: 'default', taskQueue: TASK_QUEUE, activities: createActivities(registry, services), runWorkflows: true });
  const time = async (which: typeof cached, cache: CachePolicy) => {
    const t0 = performance.now();
    const run = await startRun(client, { pipeline: which, trigger: 'bench', taskQueue: TASK_QUEUE, cache });
    await run.handle.result();
    return (performance.now() - t0) / 1000;
  };
  const figures: Record<string, number> = {};
  try {
    await worker.runUntil(async () => {
      figures.first_run_s = round(await time(cached, 'use'));
      const plainRuns: number[] = [];
      const hits: number[] = [];
      const refreshed: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        plainRuns.push(await time(plain, 'use'));
        hits.push(await time(cached, 'use'));
        refreshed.push(await time(cached, 'refresh'));
      }
      figures.plain_s = round(median(plainRuns));
      figures.all_hits_s = round(median(hits));
      figures.no_cache_s = round(median(refreshed));
    });
  } finally {
    await client.connection.close();
    await connection.close();
    await server.stop();
    await store.close();
    await database.drop();
  }
  figures.hits_vs_plain = round(figures.all_hits_s! / figures.plain_s!, 3);
  figures.first_vs_plain = round(figures.first_run_s! / figures.plain_s!, 3);
  figures.no_cache_vs_plain = round(figures.no_cache_s! / figures.plain_s!, 3);
  console.log(`${ROWS} rows x ${FEATURES}: ingest -> train (boosted trees, 50 rounds) -> evaluate`);
  console.log(`without cache: ${figures.plain_s} s | cache: first run ${figures.first_run_s} s, every step a verified hit ${figures.all_hits_s} s (${figures.hits_vs_plain}x), --no-cache ${figures.no_cache_s} s (${figures.no_cache_vs_plain}x)`);
  return Object.entries({ rows: ROWS, ...figures })
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}
