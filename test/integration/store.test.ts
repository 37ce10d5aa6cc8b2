import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../lib/store/migrate';
import { openStore, type Store } from '../../lib/store/openStore';
import { listRunArtifacts, recordRunArtifact } from '../../lib/store/runArtifacts';
import { createTestDatabase } from '../helpers/postgres';

const ref = { uri: `cas://sha256/${'a'.repeat(64)}`, sha256: 'a'.repeat(64), size: 42, mediaType: 'application/vnd.apache.parquet' };

describe('metadata store on the real PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let store: Store;
  beforeAll(async () => {
    database = await createTestDatabase();
    store = await openStore({ databaseUrl: database.url, home: mkdtempSync(join(tmpdir(), 'cairn-store-')) });
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('applies the numbered migrations once; running them again applies nothing', async () => {
    const { rows } = await store.pool.query('SELECT version, name FROM cairn_schema_migrations ORDER BY version');
    expect(rows).toEqual(loadMigrations().map((m) => ({ version: m.version, name: m.name })));
    expect(await migrate(store.pool)).toEqual({ applied: [] });
    expect(store.kind).toBe('postgres');
    await expect(store.check()).resolves.toBeUndefined();
  });

  it('lets two migrators race without applying anything twice', async () => {
    const other = await createTestDatabase();
    const pools = [new pg.Pool({ connectionString: other.url }), new pg.Pool({ connectionString: other.url })];
    // The drop below may terminate clients pool.end() is still closing: an 'error' event then, not a failure.
    for (const pool of pools) pool.on('error', () => undefined);
    try {
      const results = await Promise.all(pools.map((pool) => migrate(pool)));
      expect(results.flatMap((r) => r.applied).sort((a, b) => a - b)).toEqual(loadMigrations().map((m) => m.version));
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
      await other.drop();
    }
  });

  it('refuses to run when an applied migration was edited', async () => {
    const edited = loadMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'changed' } : m));
    await expect(migrate(store.pool, edited)).rejects.toThrow(/migration 1 \(artifacts\) was edited after it was applied/);
  });

  it('records run artifacts idempotently', async () => {
    const entry = { runId: 'cairn:p:test:1', step: 'ingest', name: 'dataset', ref };
    await recordRunArtifact(store.pool, entry);
    await recordRunArtifact(store.pool, entry); // an activity that ran twice
    await recordRunArtifact(store.pool, { ...entry, name: 'profile' });
    const listed = await listRunArtifacts(store.pool, 'cairn:p:test:1');
    expect(listed.map((a) => [a.step, a.name, a.sha256, a.size])).toEqual([
      ['ingest', 'dataset', ref.sha256, 42],
      ['ingest', 'profile', ref.sha256, 42],
    ]);
    expect(await listRunArtifacts(store.pool, 'cairn:other:test:1')).toEqual([]);
  });

  it('says which migration file is misnamed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-migrations-'));
    writeFileSync(join(dir, '1-first.sql'), 'SELECT 1');
    expect(() => loadMigrations(`${dir}/`)).toThrow("migration file '1-first.sql' must be named NNN_lower_snake.sql");
  });
});

describe('embedded store (no DATABASE_URL)', () => {
  it('runs the same migrations and queries through pg on PGlite, and keeps data across restarts', async () => {
    const home = mkdtempSync(join(tmpdir(), 'cairn-embedded-'));
    const first = await openStore({ home });
    expect(first.kind).toBe('embedded');
    await recordRunArtifact(first.pool, { runId: 'r1', step: 's', name: 'n', ref });
    await first.close();
    const second = await openStore({ home });
    try {
      expect(await migrate(second.pool)).toEqual({ applied: [] });
      expect((await listRunArtifacts(second.pool, 'r1')).map((a) => a.name)).toEqual(['n']);
    } finally {
      await second.close();
    }
  }, 60_000);

  it('is reachable only by its owner: a Unix socket, 0600, in a 0700 directory, on no TCP port (it has no password)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'cairn-embedded-'));
    const store = await openStore({ home });
    try {
      const { host, port } = (store.pool as unknown as { options: { host: string; port: number } }).options;
      expect(host.startsWith('/')).toBe(true);
      expect(statSync(host).mode & 0o777).toBe(0o700);
      expect(statSync(join(host, `.s.PGSQL.${port}`)).mode & 0o777).toBe(0o600);
      // What the reproduced attack used: a TCP connection to the embedded store. No process of this one listens for it.
      const listening = readFileSync('/proc/net/tcp', 'utf8') + readFileSync('/proc/net/tcp6', 'utf8');
      const ownPorts = new Set(
        listening
          .split('\n')
          .slice(1)
          .map((line) => line.trim().split(/\s+/))
          .filter((fields) => fields[3] === '0A' && readlinkInodes().has(fields[9] ?? ''))
          .map((fields) => parseInt((fields[1] ?? ':0').split(':')[1] ?? '0', 16)),
      );
      expect([...ownPorts]).toEqual([]);
      expect((await store.pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await store.close();
    }
    expect(existsSync((store.pool as unknown as { options: { host: string } }).options.host)).toBe(false);
  }, 60_000);
});

/** The socket inodes this process holds open (from /proc/self/fd), to tell its own listening sockets from others'. */
function readlinkInodes(): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match?.[1]) inodes.add(match[1]);
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}
