import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { freePort } from '../../lib/freePort';
import { newRunKey } from '../../lib/runIds';
import { answer, apiClient, pathParams, type ApiClient } from '../apiClient';
import type { RunAnswer as RunView } from '../answers';
import { CliError } from '../cliError';
import type { CliContext } from '../context';
import { waitForRun } from '../waitForRun';
import { waitUntil } from '../waitUntil';
import { runSweep } from './demoSweep';

/**
 * The end-to-end demo on a private stack (Temporal dev server, workers, API on free ports, and a
 * fresh embedded store, so it tells the same story every time): a diamond pipeline; a run whose step
 * fails until an operator retries it; a model trained and registered; a scikit-learn model trained in a
 * Python step and served from ONNX; and the closed loop of deploy,
 * serve, drift and retrain. `--loop` runs only the last. Exits 0 only if all worked.
 */
export function registerDemoCommand(program: Command, context: CliContext): void {
  program
    .command('demo')
    .description('run the end-to-end demo on a private local stack, then stop it')
    .option('--loop', 'only the closed loop: deploy, serve, watch drift, retrain, promote')
    .action(async (options: { loop?: boolean }) => {
      // Loaded here, not at the top: the stack pulls in workers, PGlite and DuckDB, which --help and HTTP commands never need.
      const [{ startLocalStack }, { logger }, { runWeatherLoop }, { runPythonModel }, { BUNDLED_DEFINITIONS }] = await Promise.all([
        import('../localStack'),
        import('../../lib/logger'),
        import('./demoLoop'),
        import('./demoPython'),
        import('../../lib/definitions'),
      ]);
      if (!existsSync(BUNDLED_DEFINITIONS)) {
        throw new CliError('the demo tells the story of the example pipelines in a checkout of Cairn\'s repository, which the installed package leaves out: run `npm run demo` there (your own project: `cairn init`, then `cairn dev`)');
      }
      const home = mkdtempSync(join(tmpdir(), 'cairn-demo-'));
      const base = context.config();
      // The landing check's export file lands in the demo's own folder: a data root of this stack.
      const cfg = { ...base, CAIRN_HOME: home, CAIRN_DATA_ROOTS: [...base.CAIRN_DATA_ROOTS, home], DATABASE_URL: undefined, CAIRN_ARTIFACTS_DIR: undefined };
      // The demo tells its own story; request and step log lines would bury it.
      // Its own open, loopback-only API is part of the story, not a warning to print as a JSON line; errors still show.
      logger.level = 'error';
      const began = Date.now();
      const stack = await startLocalStack({
        cfg,
        // The demo tells the story of this repository's own example pipelines, whatever CAIRN_DEFINITIONS says.
        definitions: BUNDLED_DEFINITIONS,
        temporalAddress: `127.0.0.1:${await freePort()}`,
        reuseTemporal: false,
        syncSchedules: true, // the drift watcher runs on its Temporal Schedule
        withWebUi: false,
        apiHost: '127.0.0.1',
        apiPort: await freePort(),
        progress: (line) => context.print(`· ${line}`),
        workerLogLevel: 'ERROR', // the failing step is part of the story; its retries need no warnings
      });
      try {
        const api = apiClient({ baseUrl: stack.apiUrl });
        const lines: string[] = [];
        if (!options.loop) {
          const quick = await runQuickstart(api, context);
          const landing = await runLandingCheck(api, context, join(home, 'landing'));
          const weather = await runWeatherModel(api, context);
          const tuned = await runSweep(api, context);
          const python = await runPythonModel(api, context);
          lines.push(`  ${quick.runId}: ${quick.steps?.length} steps, 2 of them in parallel`);
          lines.push(`  ${landing.runId}: failed step retried by an operator, then succeeded`);
          lines.push(`  ${weather.runId}: real data to a registered model with its lineage`);
          lines.push(`  ${tuned.runId}: a sweep of 4 trials, the best registered with the sweep in its lineage`);
          lines.push(`  ${python.runId}: a scikit-learn model trained in Python, served from ONNX`);
        }
        const loop = await runWeatherLoop(api, context);
        lines.push(`  ${loop.runId}: started by drift, evaluated against production, promoted`);
        context.print(`\nSummary: ${lines.length} ${lines.length === 1 ? "story" : "stories"} succeeded in ${((Date.now() - began) / 1000).toFixed(1)} s on a real Temporal server`);
        for (const line of lines) context.print(line);
      } finally {
        await stack.stop();
        // The demo's store and artifacts were private to it (41 MB): nothing to keep.
        await rm(home, { recursive: true, force: true });
      }
    });
}

async function runQuickstart(api: ApiClient, context: CliContext): Promise<RunView> {
  context.print('\n1. quickstart: sample -> (describe | bins) -> report');
  const started = await answer(api.api.v1.pipelines[':id'].runs.$post({ param: { id: 'quickstart' }, json: { params: { count: 1000, seed: 7 }, trigger: 'demo' } }));
  const run = await waitForRun(api, started.runId, { live: false, quiet: false, out: process.stdout, pollMs: 200 });
  if (run.status !== 'succeeded') throw new CliError(`quickstart ended ${run.status}`);
  const describe = run.steps?.find((s) => s.name === 'describe')?.output as { mean: number; stddev: number; count: number };
  context.print(`   ${describe.count} measurements: mean ${describe.mean.toFixed(3)}, stddev ${describe.stddev.toFixed(3)}`);
  return run;
}

async function runLandingCheck(api: ApiClient, context: CliContext, dir: string): Promise<RunView> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `export-${newRunKey()}.csv`);
  context.print(`\n2. landing-check: waits for ${path}, which has not landed yet`);
  const started = await answer(api.api.v1.pipelines[':id'].runs.$post({ param: { id: 'landing-check' }, json: { params: { path }, trigger: 'demo' } }));
  const waiting = await waitUntil(
    () => answer(api.api.v1.runs[':runId'].$get({ param: pathParams({ runId: started.runId }) })),
    (run) => run.status === 'awaiting_operator',
    60_000,
  );
  const failed = waiting.steps?.find((s) => s.name === 'landed');
  context.print(`   step 'landed' failed its ${2} attempts (${failed?.error?.message}); the run awaits an operator`);
  writeFileSync(path, 'day,temp_max\n2015-12-30,7.2\n2015-12-31,5.6\n');
  context.print('   the file lands; operator runs: cairn retry <run> landed');
  await answer(api.api.v1.runs[':runId'].steps[':step'].retry.$post({ param: pathParams({ runId: started.runId, step: 'landed' }), json: { reason: 'export landed' } }));
  const run = await waitForRun(api, started.runId, { live: false, quiet: true, out: process.stdout });
  if (run.status !== 'succeeded') throw new CliError(`landing-check ended ${run.status}`);
  const landed = run.steps?.find((s) => s.name === 'landed')?.output as { bytes: number; sha256: string };
  context.print(`   succeeded on round 2: ${landed.bytes} bytes, sha256 ${landed.sha256.slice(0, 16)}...`);
  return run;
}

async function runWeatherModel(api: ApiClient, context: CliContext): Promise<RunView> {
  context.print('\n3. seattle-weather: ingest 1,461 days of Seattle weather -> train -> evaluate -> register');
  const started = await answer(api.api.v1.pipelines[':id'].runs.$post({ param: { id: 'seattle-weather' }, json: { trigger: 'demo' } }));
  const run = await waitForRun(api, started.runId, { live: false, quiet: true, out: process.stdout });
  if (run.status !== 'succeeded') throw new CliError(`seattle-weather ended ${run.status}`);
  const output = (name: string) => run.steps?.find((s) => s.name === name)?.output as Record<string, unknown>;
  const data = output('data') as { rows: number; dataset: { sha256: string } };
  const score = output('score') as { metrics: { accuracy: number; macroF1: number }; holdoutRows: number };
  const entry = output('entry') as { model: string; version: number };
  context.print(`   ${data.rows} rows -> dataset sha256 ${data.dataset.sha256.slice(0, 16)}...`);
  context.print(`   holdout (${score.holdoutRows} days): accuracy ${score.metrics.accuracy.toFixed(3)}, macro-F1 ${score.metrics.macroF1.toFixed(3)}`);
  context.print(`   registered ${entry.model} v${entry.version}: cairn model ${entry.model} ${entry.version}`);
  return run;
}
