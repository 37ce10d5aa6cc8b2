import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createActivities } from '../../activities';
import { cron, definePipeline, defineRegistry, every, type Trigger } from '../../lib/dsl';
import { listRuns } from '../../lib/runs/listRuns';
import { readRunInput } from '../../lib/runs/readRunInput';
import { syncSchedules } from '../../lib/schedules/syncSchedules';
import { runStateQuery } from '../../lib/runContract/messages';
import { createApp } from '../../server/app';
import { connectTestEnv, startTestWorker, type RunningWorker } from '../helpers/temporal';
import { waitFor } from '../helpers/waitFor';
import { scratchServices } from '../../lib/services';
import { appDeps } from '../helpers/appDeps';

let env: TestWorkflowEnvironment;
let worker: RunningWorker;
const suffix = randomUUID().slice(0, 6);
const id = (name: string) => `${name}-${suffix}`;

const pipeline = (name: string, triggers: Trigger[]) =>
  definePipeline({ id: id(name), params: z.object({ rows: z.number().default(1) }), steps: { only: { activity: 'noop' } }, triggers });
const registryOf = (...pipelines: ReturnType<typeof pipeline>[]) => defineRegistry({ pipelines });

beforeAll(async () => {
  env = await connectTestEnv();
  worker = await startTestWorker(env, createActivities(defineRegistry({ pipelines: [] }), scratchServices()));
});
afterAll(async () => {
  // Leave no schedule of this run behind on the shared server.
  await syncSchedules(env.client, registryOf(), worker.taskQueue).catch(() => undefined);
  await worker?.stop();
  await env?.teardown();
});

const logicalDates = async (runIds: string[]) =>
  Promise.all(runIds.map(async (runId) => (await env.client.workflow.getHandle(runId).query(runStateQuery)).logicalDate));

describe('schedule sync', () => {
  it('creates, updates and deletes Cairn schedules, is idempotent, and leaves foreign schedules alone', async () => {
    const queue = worker.taskQueue;
    const nightly = pipeline('nightly', [cron('0 3 * * *', { name: 'nightly', timezone: 'Europe/Paris' })]);
    const hourly = pipeline('hourly', [every('1h', { name: 'hourly' })]);
    const foreignId = `foreign-${suffix}`;
    await env.client.schedule.create({
      scheduleId: foreignId,
      spec: { intervals: [{ every: '1 day' }] },
      action: { type: 'startWorkflow', workflowType: 'somethingElse', taskQueue: 'elsewhere', args: [] },
      state: { paused: true },
    });
    const otherScope = await syncSchedules(env.client, registryOf(pipeline('other-scope', [every('1d', { name: 'daily' })])), `${queue}-other`);
    expect(otherScope.created).toEqual([`cairn:${id('other-scope')}:daily`]);

    const first = await syncSchedules(env.client, registryOf(nightly, hourly), queue);
    expect(first.created.sort()).toEqual([`cairn:${id('hourly')}:hourly`, `cairn:${id('nightly')}:nightly`]);
    expect([first.updated, first.deleted]).toEqual([[], []]);

    const again = await syncSchedules(env.client, registryOf(nightly, hourly), queue);
    expect(again).toEqual({ created: [], updated: [], deleted: [], unchanged: expect.arrayContaining(first.created) });

    const changed = pipeline('nightly', [cron('30 4 * * *', { name: 'nightly', timezone: 'Europe/Paris' })]);
    const updated = await syncSchedules(env.client, registryOf(changed, hourly), queue);
    expect(updated.updated).toEqual([`cairn:${id('nightly')}:nightly`]);
    const description = await env.client.schedule.getHandle(`cairn:${id('nightly')}:nightly`).describe();
    expect(description.spec.timezone).toBe('Europe/Paris');
    expect(description.info.nextActionTimes[0]?.toISOString()).toMatch(/T0[23]:30:00/); // 04:30 Paris time

    // Dropping a trigger deletes its schedule once visibility lists it; nothing else is touched.
    const deleted = await waitFor(async () => {
      const result = await syncSchedules(env.client, registryOf(changed), queue);
      return result.deleted.length > 0 && result;
    }, 'the hourly schedule to be deleted');
    expect(deleted.deleted).toEqual([`cairn:${id('hourly')}:hourly`]);
    await expect(env.client.schedule.getHandle(foreignId).describe()).resolves.toMatchObject({ scheduleId: foreignId });
    await expect(env.client.schedule.getHandle(`cairn:${id('other-scope')}:daily`).describe()).resolves.toBeTruthy();
    expect(await syncSchedules(env.client, registryOf(changed), queue)).toMatchObject({ created: [], updated: [], deleted: [] });

    await env.client.schedule.getHandle(foreignId).delete();
    await syncSchedules(env.client, registryOf(), `${queue}-other`);
  });
});

describe('schedule operations through the API', () => {
  const backfilled = pipeline('backfill', [cron('0 * * * *', { name: 'hourly', params: { rows: 7 } })]);
  let app: ReturnType<typeof createApp>;
  const scheduleUrl = (action: string) => `/api/v1/schedules/${encodeURIComponent(`cairn:${id('backfill')}:hourly`)}/${action}`;
  const post = (path: string, body: unknown = {}) => app.request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

  beforeAll(async () => {
    app = createApp(appDeps({ client: env.client, registry: registryOf(backfilled), taskQueue: worker.taskQueue, temporalUiUrl: null }));
    expect((await post('/api/v1/schedules/sync')).status).toBe(200);
  });

  it('lists the schedule with its next runs, pauses and unpauses it with a reason', async () => {
    const list = (await (await app.request('/api/v1/schedules')).json()) as { schedules: { scheduleId: string; paused: boolean; nextRuns: string[]; trigger: string }[] };
    const listed = list.schedules.find((s) => s.scheduleId === `cairn:${id('backfill')}:hourly`);
    expect(listed).toMatchObject({ paused: false, trigger: "cron '0 * * * *' (UTC)" });
    expect(listed?.nextRuns[0]).toMatch(/T\d\d:00:00.000Z$/);

    const paused = await post(scheduleUrl('pause'), { reason: 'warehouse migration' });
    expect(await paused.json()).toMatchObject({ paused: true, note: 'warehouse migration' });
    const unpaused = await post(scheduleUrl('unpause'), { reason: 'migration done' });
    expect(await unpaused.json()).toMatchObject({ paused: false, note: 'migration done' });
    expect((await post('/api/v1/schedules/cairn:nope:nothing/pause')).status).toBe(404);
    expect((await post('/api/v1/schedules/not-ours/pause')).status).toBe(400);
  });

  it('backfills one run per missed fire time, each with its fire time as logical date and the trigger params', async () => {
    const response = await post(scheduleUrl('backfill'), { start: '2026-01-01T00:00:00Z', end: '2026-01-01T03:00:00Z' });
    expect(response.status).toBe(202);
    const runs = await waitFor(async () => {
      const found = await listRuns(env.client, { pipeline: id('backfill'), status: 'succeeded' });
      return found.length >= 3 && found;
    }, 'three backfilled runs');
    await new Promise((r) => setTimeout(r, 1000));
    const all = await listRuns(env.client, { pipeline: id('backfill') });
    expect(all).toHaveLength(3);
    expect(all.every((r) => r.trigger === 'schedule')).toBe(true);
    expect((await logicalDates(runs.map((r) => r.runId))).sort()).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-01-01T01:00:00.000Z',
      '2026-01-01T02:00:00.000Z',
    ]);
    const input = await readRunInput(env.client, runs[0]!.runId);
    expect(input).toMatchObject({ trigger: 'schedule', params: { rows: 7 }, spec: { pipeline: id('backfill') } });
  });

  it('triggers a run now', async () => {
    const before = Date.now();
    expect((await post(scheduleUrl('trigger'))).status).toBe(202);
    const run = await waitFor(async () => {
      const found = await listRuns(env.client, { pipeline: id('backfill'), since: new Date(before - 1000) });
      return found[0];
    }, 'the triggered run');
    const [logicalDate] = await logicalDates([run.runId]);
    expect(Date.parse(logicalDate!)).toBeGreaterThanOrEqual(before - 2000);
    expect(Date.parse(logicalDate!)).toBeLessThanOrEqual(Date.now());
  });

  it('rejects a bad backfill range, naming the field', async () => {
    const backwards = await post(scheduleUrl('backfill'), { start: '2026-01-02T00:00:00Z', end: '2026-01-01T00:00:00Z' });
    expect(backwards.status).toBe(422);
    expect(await backwards.json()).toMatchObject({ error: { details: [{ path: 'end', message: 'start must be before end' }] } });
    expect((await post(scheduleUrl('backfill'), { start: 'yesterday', end: 'today' })).status).toBe(422);
  });
});

describe('an interval schedule firing on the dev server', () => {
  it('starts runs whose logical date is the fire time, not the wall clock', async () => {
    const fast = pipeline('fast', [every('2s', { name: 'fast' })]);
    await syncSchedules(env.client, registryOf(fast), worker.taskQueue);
    try {
      const runs = await waitFor(async () => {
        const found = await listRuns(env.client, { pipeline: id('fast'), status: 'succeeded' });
        return found.length >= 2 && found;
      }, 'two scheduled runs', 20_000);
      for (const logicalDate of await logicalDates(runs.map((r) => r.runId))) {
        expect(Date.parse(logicalDate) % 2000).toBe(0); // aligned fire times
      }
      expect(runs[0]?.runId).toMatch(new RegExp(`^cairn:${id('fast')}:schedule:fast-`));
    } finally {
      await syncSchedules(env.client, registryOf(), worker.taskQueue);
    }
  });
});
