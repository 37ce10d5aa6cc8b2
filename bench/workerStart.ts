/**
 * worker-start: how long a pipelines worker process takes to be ready (from the process's start to
 * Worker.create resolved: modules loaded, connected, workflow code loaded), bundling the workflow
 * code itself (what every worker did) beside starting from the prebuilt bundle `npm run setup`
 * makes (dist-workflows/), each start a fresh process (bench/workerStartOnce.ts), alternately, on
 * one dev server.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { config } from '../lib/config';
import { resolveTemporalCli, startDevServer } from '../lib/temporalDevServer';
import { prebuiltWorkflowBundle } from '../workers/prebuiltWorkflows';
import { percentile, round } from './stats';

const RUNS = 5;
const ONCE = fileURLToPath(new URL('./workerStartOnce.ts', import.meta.url));

export async function workerStart(): Promise<string> {
  if (!prebuiltWorkflowBundle()) {
    // Like `npm run setup`, once, outside the timings.
    console.log('dist-workflows/ is missing or stale: bundling it once first (npm run setup does this)');
    execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../scripts/build-workflows.ts', import.meta.url))], { stdio: 'inherit' });
  }
  const server = await startDevServer({ cliPath: resolveTemporalCli(config().TEMPORAL_CLI_PATH), port: 'any' });
  const start = (mode: 'bundling' | 'prebuilt') => Number(execFileSync(process.execPath, ['--import', 'tsx', ONCE, server.address, mode], { encoding: 'utf8' }).trim().split('\n').pop());
  const bundling: number[] = [];
  const fromPrebuilt: number[] = [];
  try {
    start('prebuilt'); // warm the file system cache once
    for (let i = 0; i < RUNS; i++) {
      bundling.push(start('bundling'));
      fromPrebuilt.push(start('prebuilt'));
    }
  } finally {
    await server.stop();
  }
  const p50 = (samples: number[]) => round(percentile(samples, 50), 0);
  console.log(`worker process ready, bundling the workflows itself  p50 ${p50(bundling)} ms  (${bundling.join(', ')})`);
  console.log(`worker process ready, from the prebuilt bundle       p50 ${p50(fromPrebuilt)} ms  (${fromPrebuilt.join(', ')})`);
  return `bundling_p50_ms=${p50(bundling)} prebuilt_p50_ms=${p50(fromPrebuilt)} speedup=${round(p50(bundling) / p50(fromPrebuilt), 1)}`;
}
