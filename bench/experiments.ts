/**
 * experiments: 10,000 recorded trials (20 pipelines, 3 algorithms, seeded random params and metrics),
 * searched by metric through the API as the CLI does (`GET /api/v1/experiments?where=...&sort=...`,
 * a real HTTP server in this process, an API key on, 50 results) beside the same SQL run directly on
 * the same pool: the baseline is what the query itself costs. Queries alternate between the two;
 * p50 and p95 over 300 of each, after 30 unmeasured each. Target (issue 17): under 100 ms p95.
 * Needs PostgreSQL (DATABASE_URL, else the local server on 127.0.0.1:5432).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { hashKey, newApiKey } from '../lib/auth/apiKeys';
import { config } from '../lib/config';
import { defineRegistry } from '../lib/dsl';
import { parseMetricFilter } from '../lib/experiments/metricFilter';
import { freePort } from '../lib/freePort';
import { logger } from '../lib/logger';
import { seededRandom } from '../lib/seededRandom';
import { recordExperiment, searchExperiments, type NewExperiment } from '../lib/store/experimentsTable';
import { openStore } from '../lib/store/openStore';
import { createScratchDatabase } from '../lib/store/scratchDatabase';
import { createApp } from '../server/app';
import { startApiServer } from '../server/serve';
import { percentile, round } from './stats';

const TRIALS = 10_000;
const QUERIES = 300;
const WARM_UP = 30;
const ALGORITHMS = ['logistic-regression', 'gradient-boosted-trees', 'ridge-regression'];

/** The searches a user runs, in turn: a threshold and the best by a metric, for one pipeline or all. */
const SEARCHES = [
  { where: 'accuracy>0.8', sort: 'accuracy' },
  { where: 'accuracy>=0.6, trainRows>5000', sort: 'accuracy', pipeline: 'pipeline-7' },
  { where: 'rmse<2.5', sort: 'rmse', order: 'asc' as const },
  { sort: 'train_accuracy' },
];

export async function experiments(): Promise<string> {
  logger.level = 'warn';
  const database = await createScratchDatabase(config().DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', 'cairn_bench');
  const store = await openStore({ databaseUrl: database.url, home: mkdtempSync(join(tmpdir(), 'cairn-bench-experiments-')) });
  try {
    const random = seededRandom(17);
    const t0 = performance.now();
    for (let i = 0; i < TRIALS; i++) {
      const algorithm = ALGORITHMS[i % ALGORITHMS.length] as string;
      const regression = algorithm === 'ridge-regression';
      const trial: NewExperiment = {
        runId: `bench-run-${Math.floor(i / 4)}`,
        step: `train-${i % 4}`,
        attempt: 1,
        pipeline: `pipeline-${i % 20}`,
        specHash: 'bench',
        activity: 'train',
        algorithm,
        params: { algorithm, l2: random() / 100, maxDepth: 2 + Math.floor(random() * 6), learningRate: random() / 5, target: 'y' },
        metrics: regression ? { rmse: 1 + random() * 3, train_rmse: 1 + random() * 2, trainRows: Math.floor(random() * 10_000) } : { accuracy: random(), train_accuracy: random(), trainRows: Math.floor(random() * 10_000) },
        datasetSha256: 'd'.repeat(64),
        codeVersion: 'c'.repeat(64),
        durationMs: Math.floor(random() * 60_000),
      };
      await recordExperiment(store.pool, trial);
    }
    console.log(`recorded ${TRIALS} trials in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const key = newApiKey().key;
    const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    const app = createApp({ client, registry: defineRegistry({ pipelines: [] }), store, artifacts: null, models: null, predictionLog: null, taskQueue: 'bench', temporalUiUrl: null, security: { rateLimitPerMinute: 1e9, envApiKeys: [{ role: 'viewer', sha256: hashKey(key) }] } });
    const api = await startApiServer(app, '127.0.0.1', await freePort());
    const cairn: number[] = [];
    const bare: number[] = [];
    try {
      for (let i = 0; i < WARM_UP + QUERIES; i++) {
        const search = SEARCHES[i % SEARCHES.length]!;
        const query = new URLSearchParams({ limit: '50', ...(search.where ? { where: search.where } : {}), sort: search.sort, order: search.order ?? 'desc', ...(search.pipeline ? { pipeline: search.pipeline } : {}) });
        const viaApi = async () => {
          const start = performance.now();
          const response = await fetch(`${api.url}/api/v1/experiments?${query}`, { headers: { authorization: `Bearer ${key}` } });
          const body = (await response.json()) as { experiments: unknown[] };
          if (response.status !== 200 || body.experiments.length === 0) throw new Error(`search ${query} answered ${response.status} with ${body.experiments?.length} results`);
          return performance.now() - start;
        };
        const direct = async () => {
          const start = performance.now();
          await searchExperiments(store.pool, { pipeline: search.pipeline, where: search.where ? parseMetricFilter(search.where) : [], sort: { metric: search.sort, descending: search.order !== 'asc' }, limit: 50 });
          return performance.now() - start;
        };
        // Alternate which goes first, so the machine's drift hits both alike.
        const [first, second] = i % 2 === 0 ? [viaApi, direct] : [direct, viaApi];
        const a = await first();
        const b = await second();
        if (i < WARM_UP) continue;
        (i % 2 === 0 ? cairn : bare).push(a);
        (i % 2 === 0 ? bare : cairn).push(b);
      }
    } finally {
      await api.close();
      await client.connection.close();
    }
    const figures = {
      trials: TRIALS,
      cairn_p50_ms: round(percentile(cairn, 50)),
      cairn_p95_ms: round(percentile(cairn, 95)),
      sql_p50_ms: round(percentile(bare, 50)),
      sql_p95_ms: round(percentile(bare, 95)),
    };
    console.log(`search ${TRIALS} trials, 50 results: API p50 ${figures.cairn_p50_ms} ms p95 ${figures.cairn_p95_ms} ms | the same SQL on the pool p50 ${figures.sql_p50_ms} ms p95 ${figures.sql_p95_ms} ms | ratio p95 ${(figures.cairn_p95_ms / figures.sql_p95_ms).toFixed(2)}`);
    return Object.entries({ ...figures, ratio_p95: round(figures.cairn_p95_ms / figures.sql_p95_ms) })
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
  } finally {
    await store.close();
    await database.drop();
  }
}
