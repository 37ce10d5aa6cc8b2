/**
 * Operations that race, raced for real: several connections (or clients) started at the same moment.
 * Promised: concurrent schedule syncs all succeed and leave the right schedules; of many drift
 * watchers claiming a retrain for one model at once, exactly one wins and all agree on its run.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { claimRetrain } from '../../lib/drift/claimRetrain';
import { cron, definePipeline, defineRegistry, every, type Trigger } from '../../lib/dsl';
import { syncSchedules } from '../../lib/schedules/syncSchedules';
import { openTestStore, type TestStore } from '../helpers/postgres';

let testStore: TestStore;
beforeAll(async () => {
  testStore = await openTestStore();
});
afterAll(async () => {
  await testStore?.close();
});

/** Resolves when all `n` callers have arrived, so their next calls leave together. */
function barrier(n: number): () => Promise<void> {
  let arrived = 0;
  let release!: () => void;
  const all = new Promise<void>((resolve) => (release = resolve));
  return () => {
    arrived += 1;
    if (arrived === n) release();
    return all;
  };
}

describe('schedule sync, several at once', () => {
  it('three syncs on three connections (workers starting together) all succeed and converge', async () => {
    const suffix = randomUUID().slice(0, 6);
    const taskQueue = `concurrent-sync-${suffix}`;
    const pipeline = (name: string, trigger: Trigger) =>
      definePipeline({ id: `${name}-${suffix}`, params: z.object({}), steps: { only: { activity: 'noop' } }, triggers: [trigger] });
    const registry = defineRegistry({ pipelines: [pipeline('nightly', cron('0 3 * * *', { name: 'nightly' })), pipeline('hourly', every('1h', { name: 'hourly' }))] });
    const clients = await Promise.all(Array.from({ length: 3 }, async () => new Client({ connection: await Connection.connect({ address: inject('temporalAddress') }) })));
    try {
      const ready = barrier(clients.length);
      const results = await Promise.allSettled(clients.map(async (client) => (await ready(), syncSchedules(client, registry, taskQueue))));
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
      const outcomes = results.map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof syncSchedules>>>).value);
      const ids = [`cairn:hourly-${suffix}:hourly`, `cairn:nightly-${suffix}:nightly`];
      // Each schedule was created by exactly one of them; the others found it there.
      for (const id of ids) expect(outcomes.filter((o) => o.created.includes(id))).toHaveLength(1);
      for (const o of outcomes) expect([...o.created, ...o.updated, ...o.unchanged].sort()).toEqual(ids);
      // And a later sync finds nothing to do.
      expect(await syncSchedules(clients[0]!, registry, taskQueue)).toMatchObject({ created: [], updated: [], deleted: [] });
    } finally {
      await syncSchedules(clients[0]!, defineRegistry({ pipelines: [] }), taskQueue).catch(() => undefined);
      await Promise.all(clients.map((c) => c.connection.close()));
    }
  });
});

describe('drift retrain claims, raced', () => {
  it('of 8 watchers on 8 connections claiming at once, one starts the retrain and all agree which', async () => {
    const url = (testStore.store.pool.options as { connectionString: string }).connectionString;
    const model = `raced-${randomUUID().slice(0, 6)}`;
    const reportIds: number[] = [];
    for (let i = 0; i < 8; i++) {
      const { rows } = await testStore.store.pool.query<{ id: string }>(
        `INSERT INTO drift_reports (model, version, alias, reference_dataset, reference_rows, current_rows, drifted, report) VALUES ($1, 1, 'production', 'x', 1, 1, true, '{}') RETURNING id`,
        [model],
      );
      reportIds.push(Number(rows[0]?.id));
    }
    const pools = reportIds.map(() => new pg.Pool({ connectionString: url, max: 1 }));
    // pool.end() resolves before its clients have finished closing; the database dropped right after
    // may then terminate them, which a pool reports as an 'error' event: expected here, not a failure.
    for (const pool of pools) pool.on('error', () => undefined);
    try {
      // Connect first, so the claims themselves (not the connection set-up) are what race.
      await Promise.all(pools.map(async (pool) => (await pool.connect()).release()));
      const ready = barrier(pools.length);
      const claims = await Promise.all(pools.map(async (pool, i) => (await ready(), claimRetrain(pool, { model, pipeline: 'p', reportId: reportIds[i]!, cooldownMs: 3_600_000 }))));
      expect(claims.filter((c) => c.claimed)).toHaveLength(1);
      expect(new Set(claims.map((c) => c.workflowId)).size).toBe(1);
      const { rows } = await testStore.store.pool.query('SELECT workflow_id FROM drift_retrains WHERE model = $1', [model]);
      expect(rows).toHaveLength(1);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });
});
