import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArtifactStore } from '../../lib/artifacts/artifactStore';
import { openStore, type Store } from '../../lib/store/openStore';
import { createScratchDatabase } from '../../lib/store/scratchDatabase';

/** The machine's PostgreSQL (trust auth on 127.0.0.1:5432 here); tests make their own database in it. */
export const ADMIN_URL = process.env.CAIRN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  return createScratchDatabase(ADMIN_URL, 'cairn_test');
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
