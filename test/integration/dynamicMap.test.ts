import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createActivities } from '../../activities';
import { ArtifactStore } from '../../lib/artifacts/artifactStore';
import { definePipeline, defineRegistry, defineStep } from '../../lib/dsl';
import { retryStepUpdate, runStateQuery } from '../../lib/runContract/messages';
import type { RunPipelineWorkflow, RunSnapshot } from '../../lib/runContract/types';
import { freePort } from '../../lib/freePort';
import { createApp, type App } from '../../server/app';
import { startApiServer, type RunningApi } from '../../server/serve';
import { appDeps } from '../helpers/appDeps';
import { runCairn } from '../helpers/cli';
import { testServices } from '../helpers/sources';
import { connectTestEnv, startTestWorker, type RunningWorker } from '../helpers/temporal';
import { waitFor } from '../helpers/waitFor';

// Promised (README, "Dynamic map"): a step with `map` runs once per item of a list known only at run
// time, never more than `concurrency` at once (counted here from a log the items themselves append
// to, in the order they really started and ended); an item that fails for good waits for an
// operator, named, who can retry or skip that one item from the API, the CLI or a client; with
// min-success 0.99 skipping 3 of 300 lets the run succeed, with the default (all) it does not; maps
// nest; the results come back in item order as one list artifact.
const scratch = mkdtempSync(join(tmpdir(), 'cairn-map-'));
const sideEffects = join(scratch, 'side-effects.log');
const failing = join(scratch, 'failing.json');

/** Items listed in failing.json fail (for good: one attempt); each start and end is appended to the side-effect log. */
const probe = defineStep({
  name: 'test-map-probe',
  config: z.object({ ms: z.number().default(0), pad: z.number().int().default(0) }),
  run: async ({ item, config, run }) => {
    const value = item?.value as number;
    // What the item saw of a mapped param: a note, not the whole list (which every item's input would carry).
    appendFileSync(sideEffects, `start ${value} ${JSON.stringify(run.params.items ?? null).slice(0, 40)}\n`);
    try {
      if (config.ms > 0) await delay(config.ms);
      const failNow = JSON.parse(readFileSync(failing, 'utf8')) as number[];
      if (failNow.includes(value)) throw new Error(`item ${value} failed on purpose`);
      return { doubled: value * 2, ...(config.pad ? { pad: 'x'.repeat(config.pad) } : {}) };
    } finally {
      appendFileSync(sideEffects, `end ${value}\n`);
    }
  },
});

const listOf = defineStep({
  name: 'test-map-list',
  config: z.object({ count: z.number().int() }),
  run: ({ config }) => ({ items: Array.from({ length: config.count }, (_, i) => i) }),
});

const total = defineStep({
  name: 'test-map-total',
  run: ({ upstream }) => {
    const results = upstream.each as ({ doubled: number } | null)[];
    return { count: results.length, missing: results.flatMap((r, i) => (r === null ? [i] : [])), sum: results.reduce((sum, r) => sum + (r?.doubled ?? 0), 0) };
  },
});

const daysOf = defineStep({
  name: 'test-map-days',
  run: ({ item }) => ({ days: Array.from({ length: 4 }, (_, day) => `${item?.value as string}-${day}`) }),
});

const score = defineStep({
  name: 'test-map-score',
  run: ({ item }) => `scored ${item?.value as string}`,
});

const wide = definePipeline({
  id: 'map-wide',
  params: z.object({ count: z.number().int() }),
  steps: {
    list: { activity: listOf, config: (p) => ({ count: p.count }) },
    // Each result padded to 1.1 KB: the list of 1,000 is over the 1 MiB the API reads in.
    each: { activity: probe, after: ['list'], config: { ms: 20, pad: 1100 }, retry: { attempts: 1 }, map: { over: { step: 'list', field: 'items' }, concurrency: 20 } },
    sum: { activity: total, after: ['each'] },
  },
});

const operated = (id: string, minSuccess?: number) =>
  definePipeline({
    id,
    params: z.object({ items: z.array(z.number().int()) }),
    steps: {
      each: { activity: probe, retry: { attempts: 1 }, map: { over: { param: 'items' }, concurrency: 8, ...(minSuccess === undefined ? {} : { minSuccess }) } },
      sum: { activity: total, after: ['each'] },
    },
  });
const tolerant = operated('map-tolerant', 0.99);
// Two items at a time, each taking a second: a run cancelled while one item waits has others running and not started.
const slow = definePipeline({
  id: 'map-slow',
  params: z.object({ items: z.array(z.number().int()) }),
  steps: { each: { activity: probe, config: { ms: 1000 }, retry: { attempts: 1 }, map: { over: { param: 'items' }, concurrency: 2 } } },
});
const strict = operated('map-strict');

const nested = definePipeline({
  id: 'map-nested',
  params: z.object({ regions: z.array(z.string()) }),
  steps: {
    perRegion: {
      map: { over: { param: 'regions' }, concurrency: 2 },
      steps: {
        days: { activity: daysOf },
        scores: { activity: score, after: ['days'], map: { over: { step: 'days', field: 'days' }, concurrency: 3 } },
      },
    },
  },
});

let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let app: App;
let api: RunningApi;

beforeAll(async () => {
  writeFileSync(failing, '[]');
  env = await connectTestEnv();
  const registry = defineRegistry({ pipelines: [wide, tolerant, strict, nested, slow] });
  const services = testServices({ artifacts: new ArtifactStore(join(scratch, 'artifacts')), store: undefined });
  // More activity slots than the map's concurrency: the limit observed must be the map's own.
  worker = await startTestWorker(env, createActivities(registry, services), { maxConcurrentActivities: 100 });
  app = createApp(appDeps({ client: env.client, registry, taskQueue: worker.taskQueue, temporalUiUrl: null, artifacts: services.artifacts }));
  api = await startApiServer(app, '127.0.0.1', await freePort());
});
afterAll(async () => {
  await api?.close();
  await worker?.stop();
  await env?.teardown();
  rmSync(scratch, { recursive: true, force: true });
});

async function start(pipeline: string, params: Record<string, unknown>): Promise<string> {
  const started = await app.request(`/api/v1/pipelines/${pipeline}/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ params }) });
  expect(started.status).toBe(201);
  return ((await started.json()) as { runId: string }).runId;
}

/** The most items running at once, from the side-effect log in the order things happened. */
function mostAtOnce(lines: string[]): number {
  let running = 0;
  let most = 0;
  for (const line of lines) {
    running += line.startsWith('start ') ? 1 : -1;
    most = Math.max(most, running);
  }
  return most;
}

describe('a dynamic map', () => {
  it('runs 1,000 items, never more than 20 at once, and hands their results on in order', async () => {
    writeFileSync(sideEffects, '');
    const runId = await start('map-wide', { count: 1000 });
    const handle = env.client.workflow.getHandle<RunPipelineWorkflow>(runId);
    const result = await handle.result();
    const lines = readFileSync(sideEffects, 'utf8').trim().split('\n');
    expect(lines.filter((l) => l.startsWith('start ')).length).toBe(1000);
    const most = mostAtOnce(lines);
    expect(most).toBeLessThanOrEqual(20);
    // And the concurrency is used, not just respected.
    expect(most).toBeGreaterThanOrEqual(10);
    expect(result.outputs.sum).toEqual({ count: 1000, missing: [], sum: 2 * ((999 * 1000) / 2) });
    const each = result.steps.find((s) => s.name === 'each');
    expect(each?.map).toMatchObject({ total: 1000, succeeded: 1000, failed: 0, awaitingOperator: 0 });
    // The API answers with the list's reference (it is over 1 MiB), the next step had the list itself.
    const view = (await (await app.request(`/api/v1/runs/${encodeURIComponent(runId)}`)).json()) as { steps: { name: string; output: unknown }[] };
    expect(view.steps.find((s) => s.name === 'each')!.output).toMatchObject({ $cairnOutput: expect.stringMatching(/^cas:\/\/sha256\//), size: expect.any(Number) });
    expect((view.steps.find((s) => s.name === 'each')!.output as { size: number }).size).toBeGreaterThan(1024 * 1024);
    // The items ran in child workflows: the run's own history holds a few events per batch, not per item.
    const events = (await handle.fetchHistory()).events ?? [];
    const children = events.filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes).length;
    expect(children).toBeGreaterThan(1);
    expect(events.length).toBeLessThan(1000);
  });

  it('holds 3 failing items for an operator, named; retrying one and skipping two with min-success 0.99 succeeds', async () => {
    writeFileSync(failing, JSON.stringify([7, 150, 299]));
    writeFileSync(sideEffects, '');
    const items = Array.from({ length: 300 }, (_, i) => i);
    const runId = await start('map-tolerant', { items });
    const handle = env.client.workflow.getHandle<RunPipelineWorkflow>(runId);
    const waiting = await waitFor(async () => {
      const state = await handle.query(runStateQuery);
      const map = state.steps.find((s) => s.name === 'each')?.map;
      return map && map.awaitingOperator === 3 && map.inFlight === 0 ? state : undefined;
    }, 'three items awaiting an operator', 60_000, 1000);
    expect(waiting.status).toBe('awaiting_operator');
    const listed = waiting.steps.find((s) => s.name === 'each')!.map!.items;
    expect(listed.map((i) => [i.index, i.status])).toEqual([
      [7, 'awaiting_operator'],
      [150, 'awaiting_operator'],
      [299, 'awaiting_operator'],
    ]);
    expect(listed[0]!.error?.message).toMatch(/item 7 failed on purpose/);
    expect(readFileSync(sideEffects, 'utf8').split('\n')[0]).toMatch(/^start \d+ "\(mapped: 300 items; each ste/);
    // `cairn status` names the items and the commands.
    const status = await runCairn(api.url, ['status', runId]);
    expect(status.stdout).toMatch(/items: 297\/300 succeeded, 3 awaiting an operator/);
    expect(status.stdout).toContain(`cairn skip ${runId} each --item 7`);

    // Item 150 is fixed and retried through a client; 7 is skipped through the API, 299 with the CLI.
    writeFileSync(failing, JSON.stringify([7, 299]));
    await handle.executeUpdate(retryStepUpdate, { args: [{ step: 'each', item: 150, reason: 'fixed its input' }] });
    const skipped = await app.request(`/api/v1/runs/${encodeURIComponent(runId)}/steps/each/skip`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ item: 7, reason: 'known bad' }) });
    expect(skipped.status).toBe(200);
    // A second decision on the same item, or one on an item that is not waiting, is refused, named.
    const again = await app.request(`/api/v1/runs/${encodeURIComponent(runId)}/steps/each/skip`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ item: 8 }) });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { message: string } }).error.message).toMatch(/item 8 of step 'each' is succeeded, not awaiting an operator/);
    const cli = await runCairn(api.url, ['skip', runId, 'each', '--item', '299', '--reason', 'known bad too']);
    expect(cli.stdout + cli.stderr).toMatch(/skip of item 299 of step 'each' accepted/);

    const result = await handle.result();
    expect(result.outputs.sum).toEqual({ count: 300, missing: [7, 299], sum: 2 * ((299 * 300) / 2) - 2 * (7 + 299) });
    const items2 = result.steps.find((s) => s.name === 'each')!.map!.items;
    expect(items2.map((i) => [i.index, i.status])).toEqual([
      [7, 'skipped'],
      [299, 'skipped'],
    ]);
    expect(items2[0]!.operatorNotes).toEqual(['skip by operator: known bad']);
  });

  it('fails the step when skipped items leave fewer succeeded than min-success (default: all) asks', async () => {
    writeFileSync(failing, JSON.stringify([2]));
    const runId = await start('map-strict', { items: [0, 1, 2, 3] });
    const handle = env.client.workflow.getHandle<RunPipelineWorkflow>(runId);
    await waitFor(async () => ((await handle.query(runStateQuery)).steps[0]?.map?.awaitingOperator === 1 ? true : undefined), 'item 2 awaiting an operator');
    await handle.executeUpdate(retryStepUpdate, { args: [{ step: 'each', item: 2 }] }).catch(() => undefined);
    // Retried and failed again, it waits again; skipped, the map is short of min-success 1 and the step waits as a whole.
    await waitFor(async () => {
      const map = (await handle.query(runStateQuery)).steps[0]?.map;
      return map?.items[0]?.round === 2 && map.awaitingOperator === 1;
    }, 'item 2 retried and awaiting an operator again');
    const skipped = await app.request(`/api/v1/runs/${encodeURIComponent(runId)}/steps/each/skip`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ item: 2 }) });
    expect(skipped.status).toBe(200);
    const state = await waitFor(async () => {
      const s: RunSnapshot = await handle.query(runStateQuery);
      return s.steps[0]?.status === 'awaiting_operator' ? s : undefined;
    }, 'the step awaiting an operator');
    expect(state.steps[0]!.error).toMatchObject({ type: 'MapBelowMinSuccess' });
    expect(state.steps[0]!.error!.message).toMatch(/1 of 4 items did not succeed, and min-success 1 needs 4: items 2 \(skipped/);
    // Retrying the step runs only the item that did not succeed; fixed, the run succeeds.
    writeFileSync(failing, '[]');
    writeFileSync(sideEffects, '');
    await handle.executeUpdate(retryStepUpdate, { args: [{ step: 'each' }] });
    const result = await handle.result();
    expect(result.outputs.sum).toMatchObject({ count: 4, missing: [] });
    expect(readFileSync(sideEffects, 'utf8').trim().split('\n').map((line) => line.split(' ').slice(0, 2).join(' '))).toEqual(['start 2', 'end 2']);
  });

  it('ends a cancelled run with no item waiting or running: the waiting one failed, the rest cancelled', async () => {
    writeFileSync(failing, JSON.stringify([0]));
    const runId = await start('map-slow', { items: [0, 1, 2, 3, 4, 5] });
    const handle = env.client.workflow.getHandle<RunPipelineWorkflow>(runId);
    await waitFor(async () => ((await handle.query(runStateQuery)).steps[0]?.map?.awaitingOperator === 1 ? true : undefined), 'item 0 awaiting an operator');
    const cancelled = await runCairn(api.url, ['cancel', runId]);
    expect(cancelled.code).toBe(0);
    await expect(handle.result()).rejects.toThrow();
    const view = await waitFor(async () => {
      const answer = (await (await app.request(`/api/v1/runs/${encodeURIComponent(runId)}`)).json()) as RunSnapshot;
      return answer.status === 'cancelled' ? answer : undefined;
    }, 'the run cancelled');
    const each = view.steps[0]!;
    expect(each.status).toBe('cancelled');
    const map = each.map!;
    expect(map).toMatchObject({ awaitingOperator: 0, inFlight: 0, failed: 1 });
    expect(map.cancelled).toBeGreaterThanOrEqual(1);
    expect(map.succeeded + map.failed + map.cancelled!).toBe(6);
    expect(map.items.map((i) => [i.index, i.status])).toEqual([[0, 'failed']]);
    const status = await runCairn(api.url, ['status', runId]);
    expect(status.stdout).toContain(`items: ${map.succeeded}/6 succeeded, 1 failed, ${map.cancelled} cancelled`);
    expect(status.stdout).not.toMatch(/awaiting|cairn (retry|skip)/);
    writeFileSync(failing, '[]');
  });

  it('ends an aborted run with its map cancelled, not failed with the reason, and the waiting items failed', async () => {
    writeFileSync(failing, JSON.stringify([1, 2]));
    const runId = await start('map-strict', { items: [0, 1, 2] });
    const handle = env.client.workflow.getHandle<RunPipelineWorkflow>(runId);
    await waitFor(async () => ((await handle.query(runStateQuery)).steps[0]?.map?.awaitingOperator === 2 ? true : undefined), 'items 1 and 2 awaiting an operator');
    expect((await runCairn(api.url, ['abort', runId, '--reason', 'wrong items'])).code).toBe(0);
    await expect(handle.result()).rejects.toThrow();
    const final = await handle.query(runStateQuery);
    expect(final.steps.map((s) => [s.name, s.status, s.error?.message ?? null])).toEqual([
      ['each', 'cancelled', null],
      ['sum', 'cancelled', null],
    ]);
    expect(final.steps[0]!.map).toMatchObject({ succeeded: 1, failed: 2, awaitingOperator: 0 });
    writeFileSync(failing, '[]');
  });

  it('nests: a map inside a mapped sub-pipeline', async () => {
    const runId = await start('map-nested', { regions: ['north', 'south', 'east'] });
    const result = await env.client.workflow.getHandle<RunPipelineWorkflow>(runId).result();
    expect(result.outputs.perRegion).toBeDefined();
    const view = (await (await app.request(`/api/v1/runs/${encodeURIComponent(runId)}`)).json()) as { steps: { name: string; output: unknown }[] };
    expect(view.steps[0]!.output).toEqual(['north', 'south', 'east'].map((region) => Array.from({ length: 4 }, (_, day) => `scored ${region}-${day}`)));
  });
});
