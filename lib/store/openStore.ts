import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type pg from 'pg';
import { untilReachable } from '../faults/untilReachable';
import { ConfigError } from '../errors';
import { logger } from '../logger';
import { takePidLock } from '../pidLock';
import { DeadlinedPool, DEFAULT_STORE_DEADLINES, deadlineOptions, type StoreDeadlines } from './deadlinedPool';
import { migrate } from './migrate';

/** The port number in the embedded store's socket name (`.s.PGSQL.<port>`, as libpq and pg name sockets). */
const EMBEDDED_PORT = 5432;

export interface Store {
  pool: pg.Pool;
  /** 'postgres' for DATABASE_URL, 'embedded' for the PGlite fallback. */
  kind: 'postgres' | 'embedded';
  /** A libpq connection URL for other processes of this machine (a Python worker's step logs): DATABASE_URL, or the embedded store's private socket. */
  url: string;
  /** Throws when the database does not answer (for /readyz). */
  check(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the metadata store and brings its schema up to date. With DATABASE_URL it is that
 * PostgreSQL; without, an embedded PostgreSQL (PGlite, kept under `home`) served through
 * pglite-socket, so the very same `pg` code and SQL run against both. PGlite has no passwords, so it
 * is served on a Unix socket in a private directory (0700, the socket 0600), not on a loopback port
 * any local user could reach (where one could have inserted an admin key's hash).
 */
export async function openStore(options: { databaseUrl?: string; home: string; deadlines?: StoreDeadlines }): Promise<Store> {
  if (options.databaseUrl) {
    const pool = new DeadlinedPool({ connectionString: options.databaseUrl, max: 10, ...deadlineOptions(options.deadlines ?? DEFAULT_STORE_DEADLINES) });
    return finish(pool, 'postgres', options.databaseUrl, async () => pool.end());
  }
  const dataDir = join(options.home, 'pgdata');
  mkdirSync(dataDir, { recursive: true });
  // PGlite has no lock of its own: a second process on the same files would corrupt them.
  const lock = takePidLock(`${dataDir}.lock`, (holder) => new ConfigError(`the embedded metadata store ${dataDir} is in use by process ${holder} (another cairn dev or demo?): stop it, or give this one a CAIRN_HOME of its own`));
  const db = await PGlite.create(dataDir).catch((error: unknown) => {
    lock.release();
    throw error;
  });
  // mkdtemp makes the directory 0700; a short path under tmpdir stays within the socket path limit (about 100 bytes).
  const socketDir = mkdtempSync(join(tmpdir(), 'cairn-pg-'));
  const socketPath = join(socketDir, `.s.PGSQL.${EMBEDDED_PORT}`);
  // PGlite runs one query at a time; the socket server queues queries from several connections.
  const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: 16 });
  await server.start();
  chmodSync(socketPath, 0o600);
  // In-process, so it cannot be down on its own; but it runs one query at a time, so a queue of heavy
  // queries must not time out the light ones: only the client-side deadlines, and generous ones.
  const pool = new DeadlinedPool({
    host: socketDir,
    port: EMBEDDED_PORT,
    user: 'postgres',
    database: 'postgres',
    max: 4,
    connectionTimeoutMillis: 10_000,
    query_timeout: 60_000,
  });
  return finish(pool, 'embedded', `postgresql://postgres@/postgres?host=${encodeURIComponent(socketDir)}&port=${EMBEDDED_PORT}`, async () => {
    await pool.end();
    await server.stop();
    await db.close();
    rmSync(socketDir, { recursive: true, force: true });
    lock.release();
  });
}

async function finish(pool: pg.Pool, kind: Store['kind'], url: string, close: () => Promise<void>): Promise<Store> {
  // An idle client's error (the server restarting) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  try {
    await migrate(pool);
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  return {
    pool,
    kind,
    url,
    check: async () => {
      await pool.query('SELECT 1');
    },
    close,
  };
}

/**
 * openStore, retried while PostgreSQL does not answer (1 s doubling to 30 s, each try logged), so a
 * process started during a database outage waits for it instead of exiting. Other errors (a bad
 * URL, a failed migration) are thrown at once.
 */
export function openStoreWhenReachable(options: Parameters<typeof openStore>[0]): Promise<Store> {
  return untilReachable(
    () => openStore(options),
    (error, waitMs) => logger.warn({ err: error, waitMs }, 'metadata store unreachable at start; waiting for it'),
    (error) => {
      throw error;
    },
  );
}
