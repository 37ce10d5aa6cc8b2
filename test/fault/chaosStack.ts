import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { ArtifactStore } from '../../lib/artifacts/artifactStore';
import { config } from '../../lib/config';
import { freePort } from '../../lib/freePort';
import { moveAlias } from '../../lib/registry/aliases';
import { openStore } from '../../lib/store/openStore';
import { connectClient } from '../../lib/temporal';
import { resolveTemporalCli, startDevServer, type DevServer } from '../../lib/temporalDevServer';
import { registerPenguins } from '../helpers/penguinsModel';
import { CHAOS_EFFECTS_TABLE } from './chaosEffects';
import { startApiProcess } from './apiProcess';
import { PrivatePostgres } from './privatePostgres';

const WORKER = fileURLToPath(new URL('./chaosWorker.ts', import.meta.url));
export const CHAOS_QUEUE = 'chaos';

/**
 * Everything the fault suite runs, as separate real processes: a Temporal dev server of its own
 * (SQLite file, so it can be restarted with its history), a PostgreSQL server of its own, worker
 * processes (test/fault/chaosWorker.ts) and the API process (server/main.ts), serving a penguins model.
 */
export class ChaosStack {
  readonly workers = new Map<number, ChildProcess>();
  private readonly readyFile: string;
  private temporal!: DevServer;
  private temporalPort!: number;
  postgres!: PrivatePostgres;
  client!: Client;
  api!: ChildProcess;
  apiUrl!: string;

  private constructor(
    readonly dir: string,
    private readonly workflowBundlePath: string,
  ) {
    this.readyFile = join(dir, 'ready');
    writeFileSync(this.readyFile, '');
  }

  static async start(workflowBundlePath: string, workerCount: number, say: (line: string) => void): Promise<ChaosStack> {
    const stack = new ChaosStack(mkdtempSync(join(tmpdir(), 'cairn-chaos-')), workflowBundlePath);
    say('starting a private PostgreSQL and Temporal dev server');
    stack.postgres = await PrivatePostgres.create();
    stack.temporalPort = await freePort();
    await stack.startTemporal();
    stack.client = await connectClient({ TEMPORAL_ADDRESS: stack.temporalAddress, TEMPORAL_NAMESPACE: 'default' });
    say('registering the penguins model to serve');
    const store = await openStore({ databaseUrl: stack.postgres.url, home: stack.dir });
    const artifacts = new ArtifactStore(join(stack.dir, 'artifacts'));
    await store.pool.query(`CREATE TABLE ${CHAOS_EFFECTS_TABLE} (run_id text NOT NULL, step text NOT NULL, pid integer NOT NULL, at timestamptz NOT NULL DEFAULT now())`);
    const { version } = await registerPenguins(store.pool, artifacts, 1e-3, 'chaos-setup');
    await moveAlias(store.pool, { model: 'penguins', alias: 'production', version, actor: 'chaos', reason: 'serve during the fault suite' });
    await store.close();
    say(`starting ${workerCount} worker processes and the API process`);
    await Promise.all(Array.from({ length: workerCount }, () => stack.spawnWorker()));
    await stack.startApi();
    return stack;
  }

  get temporalAddress(): string {
    return `127.0.0.1:${this.temporalPort}`;
  }

  async startTemporal(): Promise<void> {
    this.temporal = await startDevServer({
      cliPath: resolveTemporalCli(config().TEMPORAL_CLI_PATH),
      port: this.temporalPort,
      dbFile: join(this.dir, 'temporal.db'),
      logFile: join(this.dir, 'temporal.log'),
    });
  }

  async stopTemporal(): Promise<void> {
    await this.temporal.stop();
  }

  /** Starts a worker process and resolves once it polls. */
  async spawnWorker(): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
      env: { ...process.env, TEMPORAL_ADDRESS: this.temporalAddress, TASK_QUEUE: CHAOS_QUEUE, DATABASE_URL: this.postgres.url, WORKFLOW_BUNDLE: this.workflowBundlePath, READY_FILE: this.readyFile, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const pid = child.pid as number;
    this.workers.set(pid, child);
    child.once('exit', () => this.workers.delete(pid));
    const deadline = Date.now() + 60_000;
    while (!readFileSync(this.readyFile, 'utf8').split('\n').includes(String(pid))) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`chaos worker ${pid} did not start (exit ${child.exitCode})`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return child;
  }

  /** SIGKILLs one worker process (the oldest) and returns its pid. */
  killWorker(): number | undefined {
    const [pid, child] = [...this.workers.entries()][0] ?? [];
    if (!child || pid === undefined) return undefined;
    child.kill('SIGKILL');
    this.workers.delete(pid);
    return pid;
  }

  private async startApi(): Promise<void> {
    ({ url: this.apiUrl, child: this.api } = await startApiProcess({
      TEMPORAL_ADDRESS: this.temporalAddress,
      DATABASE_URL: this.postgres.url,
      CAIRN_HOME: this.dir,
      CAIRN_ARTIFACTS_DIR: join(this.dir, 'artifacts'),
      CAIRN_TASK_QUEUE: CHAOS_QUEUE,
    }));
  }

  async stop(): Promise<void> {
    for (const child of this.workers.values()) child.kill('SIGKILL');
    this.api?.kill('SIGTERM');
    await this.client?.connection.close().catch(() => undefined);
    await this.temporal?.stop();
    await this.postgres?.destroy();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
