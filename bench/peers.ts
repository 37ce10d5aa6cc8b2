/**
 * peers: the same N-step no-op chain in Cairn (regular steps, on the dev server as `cairn dev` starts
 * it), in Prefect (its ephemeral API, as a user tries it without a server) and in Dagster (in process),
 * interleaved round by round. Prefect and Dagster come from PyPI into a private venv (bench/peersVenv.ts). Per-step time = a run's wall time / N; the marginal cost of a step =
 * (median at N=50 - median at N=10) / 40, which leaves out each tool's fixed cost per run.
 * Cold start, once per round and tool: a fresh process from its spawn to its first finished 10-step
 * run (Cairn starting its own dev server and worker, bench/coldStartOnce.ts; Prefect and Dagster
 * importing themselves and running the chain once).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { config } from '../lib/config';
import { logger } from '../lib/logger';
import { startRun } from '../lib/runs/startRun';
import { connectClient } from '../lib/temporal';
import { resolveTemporalCli, startDevServer } from '../lib/temporalDevServer';
import { bareAndCairnWorker } from './bareWorker';
import { percentile, round } from './stats';
import { chain } from './stepOverhead';
import { PEER_PACKAGES, peersPython } from './peersVenv';

const CHAINS = fileURLToPath(new URL('./peers/chains.py', import.meta.url));
const COLD_START = fileURLToPath(new URL('./coldStartOnce.ts', import.meta.url));
const COLD_STEPS = 10;
const SIZES = [10, 50];
const ROUNDS = 3;
const RUNS_PER_ROUND = 3;
const TOOLS = ['cairn', 'prefect', 'dagster'] as const;
type Tool = (typeof TOOLS)[number];


/** Prefect and Dagster keep their state under `home` (a temporary directory), and Prefect logs warnings only. */
function peerEnv(home: string): NodeJS.ProcessEnv {
  return { ...process.env, PREFECT_HOME: join(home, 'prefect'), PREFECT_LOGGING_LEVEL: 'WARNING', DAGSTER_HOME: join(home, 'dagster') };
}

/** One round of a Python tool in a fresh process: its first run (cold) and the next runs' wall times. */
function runPeer(python: string, tool: 'prefect' | 'dagster', steps: number, home: string): { cold: number; seconds: number[] } {
  const out = execFileSync(python, [CHAINS, tool, String(steps), String(RUNS_PER_ROUND)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    env: peerEnv(home),
  });
  const line = out.split('\n').find((l) => l.startsWith('{"tool"'));
  if (!line) throw new Error(`${tool} printed no result: ${out.slice(-500)}`);
  return JSON.parse(line) as { cold: number; seconds: number[] };
}

/** Seconds from spawning a process to the first JSON line it prints (its result), then waits for it to exit. */
function secondsToResult(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
    let seconds: number | undefined;
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (seconds === undefined && /^\{.*\}$/m.test(output)) seconds = (performance.now() - t0) / 1000;
    });
    child.on('error', reject);
    child.on('exit', (code) => (seconds !== undefined && code === 0 ? resolve(seconds) : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${output.slice(-500)}`))));
  });
}

export async function peers(): Promise<string> {
  const python = peersPython();
  logger.level = 'warn'; // one line per step would measure the terminal
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const home = mkdtempSync(join(tmpdir(), 'cairn-bench-peers-'));
  const server = await startDevServer({ cliPath: resolveTemporalCli(config().TEMPORAL_CLI_PATH), port: 'any' });
  const connection = await NativeConnection.connect({ address: server.address });
  const taskQueue = 'bench-peers';
  const worker = await bareAndCairnWorker(connection, taskQueue);
  const client = await connectClient({ TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'default' });
  const seconds: Record<Tool, Record<number, number[]>> = { cairn: { 10: [], 50: [] }, prefect: { 10: [], 50: [] }, dagster: { 10: [], 50: [] } };
  const cold: Record<'prefect' | 'dagster', number[]> = { prefect: [], dagster: [] };
  const coldProcess: Record<Tool, number[]> = { cairn: [], prefect: [], dagster: [] };
  try {
    await worker.runUntil(async () => {
      const runCairn = async (steps: number) => {
        const t0 = performance.now();
        await (await startRun(client, { pipeline: chain(steps, false), trigger: 'bench', taskQueue })).handle.result();
        return (performance.now() - t0) / 1000;
      };
      for (const steps of SIZES) await runCairn(steps); // warm-up: worker caches, sticky queues
      for (let round = 0; round < ROUNDS; round++) {
        coldProcess.cairn.push(await secondsToResult(process.execPath, ['--import', 'tsx', COLD_START, String(COLD_STEPS)], process.env));
        for (const tool of ['prefect', 'dagster'] as const) coldProcess[tool].push(await secondsToResult(python, [CHAINS, tool, String(COLD_STEPS), '0'], peerEnv(home)));
        for (const steps of SIZES) {
          for (const tool of ['prefect', 'dagster'] as const) {
            const result = runPeer(python, tool, steps, home);
            cold[tool].push(result.cold);
            seconds[tool][steps]!.push(...result.seconds);
          }
          for (let i = 0; i < RUNS_PER_ROUND; i++) seconds.cairn[steps]!.push(await runCairn(steps));
        }
      }
    });
  } finally {
    await client.connection.close();
    await connection.close();
    await server.stop();
    rmSync(home, { recursive: true, force: true });
  }
  const median = (xs: number[]) => percentile(xs, 50);
  const figures: string[] = [];
  console.log(`N-step no-op chain, ${ROUNDS} rounds x ${RUNS_PER_ROUND} runs per size, interleaved; 2 cores (${PEER_PACKAGES.join(', ')})`);
  const cairnMarginal = ((median(seconds.cairn[50]!) - median(seconds.cairn[10]!)) / 40) * 1000;
  for (const tool of TOOLS) {
    const perStep = (steps: number) => (median(seconds[tool][steps]!) / steps) * 1000;
    const marginal = ((median(seconds[tool][50]!) - median(seconds[tool][10]!)) / 40) * 1000;
    const firstRun = tool === 'cairn' ? '' : `; the first run in a fresh process ${median(cold[tool]).toFixed(2)} s (its own start-up included)`;
    console.log(
      `  ${tool.padEnd(8)} per step: N=10 ${perStep(10).toFixed(1)} ms, N=50 ${perStep(50).toFixed(1)} ms | marginal ${marginal.toFixed(1)} ms/step` +
        `${tool === 'cairn' ? '' : ` (Cairn's ${round(cairnMarginal / marginal)}x)`} | a 10-step run ${median(seconds[tool][10]!).toFixed(2)} s${firstRun}`,
    );
    figures.push(`${tool}_n10_ms=${round(perStep(10))} ${tool}_n50_ms=${round(perStep(50))} ${tool}_marginal_ms=${round(marginal)} ${tool}_cold_process_s=${round(median(coldProcess[tool]))}`);
  }
  console.log(`  from a process's spawn to its first finished ${COLD_STEPS}-step run (medians of ${ROUNDS}): ${TOOLS.map((tool) => `${tool} ${median(coldProcess[tool]).toFixed(2)} s`).join(', ')}`);
  return figures.join(' ');
}
