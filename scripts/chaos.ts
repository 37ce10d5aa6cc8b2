/**
 * The long form of the fault suite (`npm run chaos`): real worker processes SIGKILLed during runs,
 * a private PostgreSQL stopped (then frozen) under runs and a prediction stream, the Temporal dev server restarted
 * mid-run; prints one table row per fault. The short form runs in CI (test/integration/faults.test.ts).
 * Options: --runs N (runs per fault, default 40/10/10), --kills N (default 20), --pg-down-s N (60).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import { chaosTable, runChaos } from '../test/fault/chaosScenario';
import { WORKFLOWS_PATH } from '../workers/prebuiltWorkflows';

const { values } = parseArgs({ options: { runs: { type: 'string' }, kills: { type: 'string' }, 'pg-down-s': { type: 'string' } } });
const number = (text: string | undefined, fallback: number, name: string) => {
  const n = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number, got '${text}'`);
  return n;
};

Runtime.install({ logger: new DefaultLogger('ERROR') });
const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('ERROR') });
const bundlePath = join(mkdtempSync(join(tmpdir(), 'cairn-chaos-bundle-')), 'workflows.js');
writeFileSync(bundlePath, bundle.code);
const started = Date.now();
const reports = await runChaos(
  {
    workers: 2,
    killRuns: number(values.runs, 40, 'runs'),
    workerKills: number(values.kills, 20, 'kills'),
    postgresRuns: Math.min(number(values.runs, 10, 'runs'), 10),
    postgresStopMs: number(values['pg-down-s'], 60, 'pg-down-s') * 1000,
    predictionsPerSecond: 100,
    freezeRuns: Math.min(number(values.runs, 10, 'runs'), 10),
    postgresFreezeMs: 15_000,
    temporalRuns: Math.min(number(values.runs, 10, 'runs'), 10),
    temporalDownMs: 10_000,
    stepMs: [1_000, 3_000],
    phaseTimeoutMs: 10 * 60_000,
    progress: (line) => console.error(`chaos: ${line}`),
  },
  bundlePath,
);
console.log(chaosTable(reports));
console.log(`\n(${Math.round((Date.now() - started) / 1000)} s)`);
process.exit(0);
