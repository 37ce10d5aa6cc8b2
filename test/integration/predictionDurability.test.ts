/**
 * An answered prediction is not lost: the API process (server/main.ts, durable prediction log) is
 * SIGKILLed under a stream of predictions from several connections, then started again on the same
 * journal; every prediction it answered 200 must be in prediction_log.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { moveAlias } from '../../lib/registry/aliases';
import { startApiProcess } from '../fault/apiProcess';
import { GENTOO, registerPenguins } from '../helpers/penguinsModel';
import { openTestStore, type TestStore } from '../helpers/postgres';
import { waitFor } from '../helpers/waitFor';

let testStore: TestStore;
let databaseUrl: string;

beforeAll(async () => {
  testStore = await openTestStore();
  databaseUrl = (testStore.store.pool.options as { connectionString: string }).connectionString;
  const { version } = await registerPenguins(testStore.store.pool, testStore.artifacts, 1e-3, 'durability');
  await moveAlias(testStore.store.pool, { model: 'penguins', alias: 'production', version, actor: 'test', reason: 'serve' });
});
afterAll(async () => {
  await testStore?.close();
});

/** Streams predictions from `connections` loops until the API stops answering; returns the ids answered 200. */
async function streamUntilKilled(url: string, connections: number): Promise<string[]> {
  const answered: string[] = [];
  let alive = true;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (alive) {
        try {
          const response = await fetch(`${url}/api/v1/models/penguins/predict`, { method: 'POST', body: JSON.stringify({ instance: GENTOO }), headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(5_000) });
          const body = (await response.json()) as { requestId: string };
          if (response.status === 200) answered.push(body.requestId);
        } catch {
          alive = false; // the connection died with the process
        }
      }
    }),
  );
  return answered;
}

describe('durable prediction log', () => {
  it('keeps every prediction answered 200 through an API SIGKILL and restart', async () => {
    const env = { TEMPORAL_ADDRESS: inject('temporalAddress'), DATABASE_URL: databaseUrl, CAIRN_HOME: testStore.dir, CAIRN_ARTIFACTS_DIR: join(testStore.dir, 'artifacts'), CAIRN_PREDICTION_LOG: 'durable' };
    const api = await startApiProcess(env);
    const streaming = streamUntilKilled(api.url, 8);
    await new Promise((r) => setTimeout(r, 1_500));
    api.child.kill('SIGKILL');
    const answered = await streaming;
    expect(answered.length).toBeGreaterThan(100);
    const restarted = await startApiProcess(env);
    try {
      const missing = await waitFor(
        async () => {
          const { rows } = await testStore.store.pool.query<{ n: string }>(`SELECT count(DISTINCT request_id) AS n FROM prediction_log WHERE request_id = ANY($1)`, [answered]);
          const lost = answered.length - Number(rows[0]?.n);
          return lost === 0 ? 'none' : false;
        },
        'every answered prediction to be in prediction_log',
        20_000,
        250,
      );
      expect(missing).toBe('none');
    } finally {
      restarted.child.kill('SIGTERM');
    }
  });
});
