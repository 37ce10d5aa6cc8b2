/**
 * api-during-training: how the API answers while a CPU-heavy step runs in the same process, as under
 * `cairn dev` (one process serves the API and runs the workers). A local stack (Temporal dev server,
 * workers, API, embedded store) trains gradient-boosted trees (100 rounds, depth 4) on a 100k x 20
 * CSV; meanwhile a probe asks the API for /healthz (answered by the process's own event loop) and for
 * the run's status (a Temporal query, what `cairn run --wait` polls), then pauses 25 ms. The baseline:
 * the same probe on the same stack for 10 s with nothing running.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack } from '../cli/localStack';
import { config } from '../lib/config';
import { BUNDLED_DEFINITIONS } from '../lib/definitions';
import { freePort } from '../lib/freePort';
import { logger } from '../lib/logger';
import { seededNormal } from '../lib/seededRandom';
import { percentile, round } from './stats';

const ROWS = 100_000;
const FEATURES = 20;
const PROBE_EVERY_MS = 25;

function writeDataset(path: string): void {
  const draw = seededNormal(5);
  const truth = Array.from({ length: 3 }, () => Array.from({ length: FEATURES }, () => draw()));
  const lines = [[...Array.from({ length: FEATURES }, (_, f) => `x${f}`), 'label'].join(',')];
  for (let r = 0; r < ROWS; r++) {
    const x = Array.from({ length: FEATURES }, () => draw());
    const scores = truth.map((w) => w.reduce((s, wi, f) => s + wi * Math.tanh(x[f] as number), 0) + draw());
    lines.push([...x.map((v) => v.toFixed(4)), `class${scores.indexOf(Math.max(...scores))}`].join(','));
  }
  writeFileSync(path, lines.join('\n'));
}

interface Probed {
  /** Latencies in ms per URL, in the order given. */
  latencies: number[][];
  failures: number;
}

/** Probes the API until `until` resolves: each URL in turn, then a pause (a failed probe counts its time, and is counted). */
async function probe(urls: string[], until: Promise<unknown>): Promise<Probed> {
  let done = false;
  void until.finally(() => (done = true));
  const latencies = urls.map(() => [] as number[]);
  let failures = 0;
  while (!done) {
    for (const [i, url] of urls.entries()) {
      const t0 = performance.now();
      const ok = await fetch(url, { signal: AbortSignal.timeout(10_000) }).then((r) => r.ok, () => false);
      latencies[i]!.push(performance.now() - t0);
      if (!ok) failures += 1;
    }
    await new Promise((r) => setTimeout(r, PROBE_EVERY_MS));
  }
  return { latencies, failures };
}

export async function apiDuringTraining(): Promise<string> {
  logger.level = 'error';
  const home = mkdtempSync(join(tmpdir(), 'cairn-bench-api-'));
  const dataset = join(home, 'train.csv');
  writeDataset(dataset);
  const cfg = { ...config(), CAIRN_HOME: home, CAIRN_DATA_ROOTS: [home], DATABASE_URL: undefined, CAIRN_ARTIFACTS_DIR: undefined, CAIRN_API_KEYS: [] };
  const stack = await startLocalStack({
    cfg,
    definitions: BUNDLED_DEFINITIONS,
    temporalAddress: `127.0.0.1:${await freePort()}`,
    reuseTemporal: false,
    syncSchedules: false,
    withWebUi: false,
    apiHost: '127.0.0.1',
    apiPort: await freePort(),
    workerLogLevel: 'ERROR',
  });
  try {
    const started = await fetch(`${stack.apiUrl}/api/v1/pipelines/tabular-classification/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ params: { dataset, target: 'label', algorithm: 'gradient-boosted-trees', model: 'bench-api' } }),
    });
    if (started.status !== 201) throw new Error(`starting the run answered ${started.status}: ${await started.text()}`);
    const { runId } = (await started.json()) as { runId: string };
    const runUrl = `${stack.apiUrl}/api/v1/runs/${encodeURIComponent(runId)}`;
    const finished = (async () => {
      for (;;) {
        const run = (await (await fetch(runUrl)).json()) as { status: string };
        if (run.status !== 'running') return run.status;
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    const t0 = performance.now();
    const urls = [`${stack.apiUrl}/healthz`, runUrl];
    const busy = await probe(urls, finished);
    const runSeconds = (performance.now() - t0) / 1000;
    const status = await finished;
    if (status !== 'succeeded') throw new Error(`the training run ended ${status}`);
    const idle = await probe(urls, new Promise((r) => setTimeout(r, 10_000)));

    const figures = (latencies: number[]) => ({ p50: round(percentile(latencies, 50)), p99: round(percentile(latencies, 99)), max: round(Math.max(...latencies)), n: latencies.length });
    const [busyHealth, busyRun] = busy.latencies.map(figures) as [ReturnType<typeof figures>, ReturnType<typeof figures>];
    const [idleHealth, idleRun] = idle.latencies.map(figures) as [ReturnType<typeof figures>, ReturnType<typeof figures>];
    const line = (f: ReturnType<typeof figures>) => `p50 ${f.p50} ms, p99 ${f.p99} ms, max ${f.max} ms (${f.n} requests)`;
    console.log(`gradient-boosted trees on ${ROWS} x ${FEATURES} (ingest, train, evaluate, register) in the API's own process: ${runSeconds.toFixed(1)} s; 2 cores`);
    console.log(`  GET /healthz (the process's own event loop): while it ran ${line(busyHealth)} | idle ${line(idleHealth)}`);
    console.log(`  GET the run (a Temporal query, what cairn run --wait polls): while it ran ${line(busyRun)} | idle ${line(idleRun)}`);
    console.log(`  failed requests: ${busy.failures} while it ran, ${idle.failures} idle`);
    return `run_s=${round(runSeconds, 1)} busy_health_p50_ms=${busyHealth.p50} busy_health_p99_ms=${busyHealth.p99} busy_health_max_ms=${busyHealth.max} busy_run_p50_ms=${busyRun.p50} busy_run_p99_ms=${busyRun.p99} busy_run_max_ms=${busyRun.max} busy_failed=${busy.failures} idle_health_p99_ms=${idleHealth.p99} idle_run_p99_ms=${idleRun.p99}`;
  } finally {
    await stack.stop();
    rmSync(home, { recursive: true, force: true });
  }
}
