import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ArtifactStore } from '../../lib/artifacts/artifactStore';
import { openStore, type Store } from '../../lib/store/openStore';

/** The machine's PostgreSQL (trust auth on 127.0.0.1:5432 here); tests make their own database in it. */
export const ADMIN_URL = process.env.CAIRN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `cairn_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export interface TestStore {
  store: Store;
  artifacts: ArtifactStore;
  /** A private folder for the test's files. */
  dir: string;
  /** Closes the store and drops its database. */
  close(): Promise<void>;
}

/** A metadata store on a fresh database of the real PostgreSQL, and an artifact store in a temp folder. */
export async function openTestStore(): Promise<TestStore> {
  const database = await createTestDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'cairn-test-store-'));
  const store = await openStore({ databaseUrl: database.url, home: dir });
  return {
    store,
    artifacts: new ArtifactStore(join(dir, 'artifacts')),
    dir,
    close: async () => {
      await store.close();
      await database.drop();
    },
  };
}
