import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Pool } from 'pg';
import { sha256Hex } from '../canonicalJson';
import { ConfigError } from '../errors';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const FILE = /^(\d{3})_([a-z0-9_]+)\.sql$/;
/** Any fixed number: serializes migrators (two workers starting at once) across processes. */
const ADVISORY_LOCK = 7_314_159;

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

/** The numbered, forward-only migrations in lib/store/migrations, in order. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = FILE.exec(file);
      if (!match) throw new ConfigError(`migration file '${file}' must be named NNN_lower_snake.sql`);
      const sql = readFileSync(`${dir}${file}`, 'utf8');
      return { version: Number(match[1]), name: match[2] as string, sql, checksum: sha256Hex(sql) };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new ConfigError(`migrations must be numbered 001, 002, ... without gaps: found ${String(m.version).padStart(3, '0')}_${m.name}`);
  });
  return migrations;
}

/**
 * Applies every migration not applied yet, each in its own transaction, under an advisory lock.
 * Refuses to run when an applied migration's file has changed: migrations only go forward.
 */
export async function migrate(pool: Pool, migrations = loadMigrations()): Promise<{ applied: number[] }> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS cairn_schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number; checksum: string }>('SELECT version, checksum FROM cairn_schema_migrations');
    const done = new Map(rows.map((r) => [r.version, r.checksum]));
    for (const [version, checksum] of done) {
      const file = migrations.find((m) => m.version === version);
      if (!file) throw new ConfigError(`the database has migration ${version}, which this version of Cairn does not know: is it older than the database?`);
      if (file.checksum !== checksum) throw new ConfigError(`migration ${version} (${file.name}) was edited after it was applied: add a new migration instead`);
    }
    const applied: number[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO cairn_schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [migration.version, migration.name, migration.checksum]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new ConfigError(`migration ${migration.version} (${migration.name}) failed: ${(error as Error).message}`);
      }
      applied.push(migration.version);
    }
    return { applied };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK]).catch(() => undefined);
    client.release();
  }
}
