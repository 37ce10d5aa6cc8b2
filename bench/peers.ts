/**
 * peers: the same N-step no-op chain in Cairn (regular steps, on the dev server as `cairn dev` starts
 * it), in Prefect (its ephemeral API, as a user tries it without a server), in Dagster (in process)
 * and with its default multiprocess executor (a process per step), and in Airflow (`dag.test()`,
 * what `airflow dags test` runs), interleaved round by round. The peers come from PyPI into private
 * venvs (bench/peersVenv.ts); Airflow's metadata database (SQLite, its default) is migrated once
 * before the rounds, as `airflow db migrate` would be. Per-step time = a run's wall time / N; the
 * marginal cost of a step = (median at the longer chain - median at the shorter) / their difference
 * in steps (N=50 and 10; 10 and 5 for the multiprocess executor, see PLAN), which leaves out each
 * tool's fixed cost per run.
 * Cold start, once per round and tool: a fresh process from its spawn to its first finished 10-step
 * run (Cairn starting its own dev server and worker, bench/coldStartOnce.ts; each peer importing
 * itself and running the chain once).
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
import { AIRFLOW_PACKAGES, airflowPython, PEER_PACKAGES, peersPython } from './peersVenv';

const CHAINS = fileURLToPath(new URL('./peers/chains.py', import.meta.url));
const COLD_START = fileURLToPath(new URL('./coldStartOnce.ts', import.meta.url));
const COLD_STEPS = 10;
const ROUNDS = 3;
const AIRFLOW_DAGS = fileURLToPath(new URL('./peers/airflow_dags', import.meta.url));
const PEERS = ['prefect', 'dagster', 'airflow', 'dagster-multiprocess'] as const;
const TOOLS = ['cairn', ...PEERS] as const;
type Tool = (typeof TOOLS)[number];
type Peer = (typeof PEERS)[number];

/**
 * Each tool's two chain lengths (the marginal cost of a step is the difference of their medians over
 * the difference of their lengths) and its runs per round and size. Dagster's multiprocess executor
 * starts a Python process per step (about 1.4 s each here), so it runs 5 and 10 steps once per round.
 */
const PLAN: Record<Tool, { sizes: readonly [number, number]; runsPerRound: number }> = {
  cairn: { sizes: [10, 50], runsPerRound: 3 },
  prefect: { sizes: [10, 50], runsPerRound: 3 },
  dagster: { sizes: [10, 50], runsPerRound: 3 },
  airflow: { sizes: [10, 50], runsPerRound: 3 },
  'dagster-multiprocess': { sizes: [5, 10], runsPerRound: 1 },
};

/** The peers keep their state under `home` (a temporary directory) and log warnings only. */
function peerEnv(home: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PREFECT_HOME: join(home, 'prefect'),
    PREFECT_LOGGING_LEVEL: 'WARNING',
    DAGSTER_HOME: join(home, 'dagster'),
    AIRFLOW_HOME: join(home, 'airflow'),
    AIRFLOW__CORE__DAGS_FOLDER: AIRFLOW_DAGS,
    AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
    AIRFLOW__LOGGING__LOGGING_LEVEL: 'WARNING',
    // Airflow's chains are DAGs declared ahead (bench/peers/airflow_dags), one per size measured.
    CAIRN_BENCH_CHAIN_SIZES: [...new Set([...PLAN.airflow.sizes, COLD_STEPS])].join(','),
  };
}

/** One round of a Python tool in a fresh process: its first run (cold) and the next runs' wall times. */
function runPeer(python: string, tool: Peer, steps: number, home: string): { cold: number; seconds: number[] } {
  let out: string;
  try {
    out = execFileSync(python, [CHAINS, tool, String(steps), String(PLAN[tool].runsPerRound)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: peerEnv(home), maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '');
    throw new Error(`${tool} failed running its ${steps}-step chain: ${stderr.slice(-1_000)}`, { cause: error });
  }
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
  const peersVenv = peersPython();
  const pythons: Record<Peer, string> = { prefect: peersVenv, dagster: peersVenv, 'dagster-multiprocess': peersVenv, airflow: airflowPython() };
  logger.level = 'warn'; // one line per step would measure the terminal
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const home = mkdtempSync(join(tmpdir(), 'cairn-bench-peers-'));
  // Airflow's set-up, done once by its users too (`airflow standalone` does it first): not timed.
  execFileSync(pythons.airflow, ['-m', 'airflow', 'db', 'migrate'], { stdio: 'ignore', env: peerEnv(home) });
  const server = await startDevServer({ cliPath: resolveTemporalCli(config().TEMPORAL_CLI_PATH), port: 'any' });
  const connection = await NativeConnection.connect({ address: server.address });
  const taskQueue = 'bench-peers';
  const worker = await bareAndCairnWorker(connection, taskQueue);
  const client = await connectClient({ TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'default' });
  const seconds = Object.fromEntries(TOOLS.map((tool) => [tool, Object.fromEntries(PLAN[tool].sizes.map((steps) => [steps, [] as number[]]))])) as Record<Tool, Record<number, number[]>>;
  const cold = Object.fromEntries(PEERS.map((tool) => [tool, [] as number[]])) as Record<Peer, number[]>;
  const coldProcess = Object.fromEntries(TOOLS.map((tool) => [tool, [] as number[]])) as Record<Tool, number[]>;
  try {
    await worker.runUntil(async () => {
      const runCairn = async (steps: number) => {
        const t0 = performance.now();
        await (await startRun(client, { pipeline: chain(steps, false), trigger: 'bench', taskQueue })).handle.result();
        return (performance.now() - t0) / 1000;
      };
      for (const steps of PLAN.cairn.sizes) await runCairn(steps); // warm-up: worker caches, sticky queues
      for (let round = 0; round < ROUNDS; round++) {
        coldProcess.cairn.push(await secondsToResult(process.execPath, ['--import', 'tsx', COLD_START, String(COLD_STEPS)], process.env));
        for (const tool of PEERS) coldProcess[tool].push(await secondsToResult(pythons[tool], [CHAINS, tool, String(COLD_STEPS), '0'], peerEnv(home)));
        for (const size of [0, 1] as const) {
          for (const tool of PEERS) {
            const steps = PLAN[tool].sizes[size];
            const result = runPeer(pythons[tool], tool, steps, home);
            cold[tool].push(result.cold);
            seconds[tool][steps]!.push(...result.seconds);
          }
          const steps = PLAN.cairn.sizes[size];
          for (let i = 0; i < PLAN.cairn.runsPerRound; i++) seconds.cairn[steps]!.push(await runCairn(steps));
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
  const marginalMs = (tool: Tool) => {
    const [small, large] = PLAN[tool].sizes;
    return ((median(seconds[tool][large]!) - median(seconds[tool][small]!)) / (large - small)) * 1000;
  };
  const cairnMarginal = marginalMs('cairn');
  const figures: string[] = [];
  console.log(`N-step no-op chain, ${ROUNDS} rounds, interleaved; 2 cores (${[...PEER_PACKAGES, ...AIRFLOW_PACKAGES].join(', ')})`);
  for (const tool of TOOLS) {
    const { sizes, runsPerRound } = PLAN[tool];
    const perStep = (steps: number) => (median(seconds[tool][steps]!) / steps) * 1000;
    const marginal = marginalMs(tool);
    const firstRun = tool === 'cairn' ? '' : `; the first run in a fresh process ${median(cold[tool]).toFixed(2)} s (its own start-up included)`;
    console.log(
      `  ${tool.padEnd(20)} per step: ${sizes.map((steps) => `N=${steps} ${perStep(steps).toFixed(1)} ms`).join(', ')} (${runsPerRound} run(s) a round) | marginal ${marginal.toFixed(1)} ms/step` +
        `${tool === 'cairn' ? '' : ` (Cairn's ${Number((cairnMarginal / marginal).toPrecision(2))}x)`} | a ${sizes[0]}-step run ${median(seconds[tool][sizes[0]]!).toFixed(2)} s${firstRun}`,
    );
    const key = tool.replaceAll('-', '_');
    figures.push(`${sizes.map((steps) => `${key}_n${steps}_ms=${round(perStep(steps))}`).join(' ')} ${key}_marginal_ms=${round(marginal)} ${key}_cold_process_s=${round(median(coldProcess[tool]))}`);
  }
  console.log(`  from a process's spawn to its first finished ${COLD_STEPS}-step run (medians of ${ROUNDS}): ${TOOLS.map((tool) => `${tool} ${median(coldProcess[tool]).toFixed(2)} s`).join(', ')}`);
  return figures.join(' ');
}
