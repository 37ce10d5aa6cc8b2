import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../lib/freePort';

const run = promisify(execFile);

/** The machine's PostgreSQL server programs (Debian keeps them under /usr/lib/postgresql/<major>/bin). */
function postgresBin(): string {
  const fromEnv = process.env.CAIRN_TEST_PG_BIN;
  if (fromEnv) return fromEnv;
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((d) => existsSync(join(root, d, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a)) : [];
  if (majors[0]) return join(root, majors[0], 'bin');
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('no PostgreSQL server programs found (initdb, pg_ctl): install postgresql, or set CAIRN_TEST_PG_BIN');
  }
}

/**
 * A PostgreSQL server of a test's own (initdb and pg_ctl on a free port, trust auth, loopback only),
 * so a test can stop, freeze and restart it without touching the machine's shared server. As root
 * (PostgreSQL refuses to run as root) it runs as the `postgres` user.
 */
export class PrivatePostgres {
  private pids: number[] = [];

  private constructor(
    readonly dataDir: string,
    readonly port: number,
    private readonly bin: string,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async create(): Promise<PrivatePostgres> {
    const bin = postgresBin();
    const home = mkdtempSync(join(tmpdir(), 'cairn-private-pg-'));
    const dataDir = join(home, 'data');
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      chmodSync(home, 0o755);
      chownSync(home, uid, gid);
    }
    const server = new PrivatePostgres(dataDir, await freePort(), bin);
    await server.asOwner(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
    await server.start();
    return server;
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dataDir} -c fsync=off -c max_connections=200`;
    await this.asOwner(join(this.bin, 'pg_ctl'), ['-D', this.dataDir, '-o', options, '-w', '-t', '60', '-l', join(this.dataDir, 'server.log'), 'start']);
  }

  /** Stops the server (fast: open connections are closed, as in a crash or a failover). */
  async stop(): Promise<void> {
    await this.asOwner(join(this.bin, 'pg_ctl'), ['-D', this.dataDir, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
  }

  /** SIGSTOP to the server and every backend: connections stay open and nothing answers (a hung host). */
  async freeze(): Promise<void> {
    this.pids = await this.processIds();
    for (const pid of this.pids) process.kill(pid, 'SIGSTOP');
  }

  async thaw(): Promise<void> {
    for (const pid of this.pids) process.kill(pid, 'SIGCONT');
    this.pids = [];
  }

  async destroy(): Promise<void> {
    if (this.pids.length) await this.thaw();
    await this.asOwner(join(this.bin, 'pg_ctl'), ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    rmSync(join(this.dataDir, '..'), { recursive: true, force: true });
  }

  private async processIds(): Promise<number[]> {
    const postmaster = Number((await run('head', ['-1', join(this.dataDir, 'postmaster.pid')])).stdout.trim());
    const children = (await run('pgrep', ['-P', String(postmaster)]).catch(() => ({ stdout: '' }))).stdout;
    return [postmaster, ...children.split('\n').filter(Boolean).map(Number)];
  }

  private async asOwner(program: string, args: string[]): Promise<void> {
    if (process.getuid?.() === 0) await run('runuser', ['-u', 'postgres', '--', program, ...args]);
    else await run(program, args);
  }
}
