import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { registry } from '../definitions';
import { config } from '../lib/config';
import { resolveTemporalCli } from '../lib/temporalDevServer';
import { freePort } from '../lib/freePort';
import { logger } from '../lib/logger';
import { createApp } from '../server/app';
import { startApiServer } from '../server/serve';
import { percentile, round } from './stats';

const CAIRN = fileURLToPath(new URL('../cli/cairn.js', import.meta.url));
const RUNS = 9;

const run = promisify(execFile);

/** Wall time of one command, in ms (it must exit 0; asynchronous, so this process's API keeps answering). */
async function timed(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  await run(command, args, { env });
  return performance.now() - started;
}

/**
 * How long the `cairn` command takes to start: `cairn --help`, and `cairn pipelines --json` against
 * a live API, beside `curl` of the same API route, a bare `node -e ''` (the floor any Node CLI
 * pays) and `temporal --help` (the Temporal CLI, a Go binary: the peer the issue measured),
 * interleaved, medians of RUNS. The API serves from this process (GET /pipelines reads only the
 * registry).
 */
export async function cliStart(): Promise<string> {
  logger.level = 'warn'; // the API's request lines would land among the figures
  const app = createApp({ client: { connection: { withDeadline: (_deadline: number, call: () => unknown) => call() } } as never, registry, taskQueue: 'bench', temporalUiUrl: null, store: null, artifacts: null, models: null, predictionLog: null, security: {} });
  const api = await startApiServer(app, '127.0.0.1', await freePort());
  const env = { ...process.env, CAIRN_API_URL: api.url, NO_COLOR: '1' };
  const temporalCli = resolveTemporalCli(config().TEMPORAL_CLI_PATH);
  const commands = {
    help: () => timed(process.execPath, [CAIRN, '--help'], env),
    pipelines: () => timed(process.execPath, [CAIRN, 'pipelines', '--json'], env),
    curl: () => timed('curl', ['-sf', `${api.url}/api/v1/pipelines`], env),
    node: () => timed(process.execPath, ['-e', ''], env),
    temporal: () => timed(temporalCli, ['--help'], env),
  };
  const samples: Record<keyof typeof commands, number[]> = { help: [], pipelines: [], curl: [], node: [], temporal: [] };
  try {
    for (const name of Object.keys(commands) as (keyof typeof commands)[]) await commands[name](); // warm the caches once
    for (let i = 0; i < RUNS; i++) for (const name of Object.keys(commands) as (keyof typeof commands)[]) samples[name].push(await commands[name]());
  } finally {
    await api.close();
  }
  const p50 = (name: keyof typeof commands) => round(percentile(samples[name], 50), 1);
  console.log(`cairn --help            p50 ${p50('help')} ms`);
  console.log(`cairn pipelines --json  p50 ${p50('pipelines')} ms`);
  console.log(`curl of the same route  p50 ${p50('curl')} ms`);
  console.log(`node -e ''              p50 ${p50('node')} ms`);
  console.log(`temporal --help         p50 ${p50('temporal')} ms`);
  return `help_p50_ms=${p50('help')} pipelines_p50_ms=${p50('pipelines')} curl_p50_ms=${p50('curl')} node_p50_ms=${p50('node')} temporal_help_p50_ms=${p50('temporal')} pipelines_over_curl=${round(p50('pipelines') / p50('curl'), 1)} help_over_temporal=${round(p50('help') / p50('temporal'), 1)}`;
}
