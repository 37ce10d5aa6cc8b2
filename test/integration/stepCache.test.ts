import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createActivities } from '../../activities';
import { ArtifactStore } from '../../lib/artifacts/artifactStore';
import { definePipeline, defineRegistry, defineStep } from '../../lib/dsl';
import { listRunArtifacts } from '../../lib/store/runArtifacts';
import { freePort } from '../../lib/freePort';
import { createApp, type App } from '../../server/app';
import { startApiServer, type RunningApi } from '../../server/serve';
import { appDeps } from '../helpers/appDeps';
import { runCairn } from '../helpers/cli';
import { openTestStore, type TestStore } from '../helpers/postgres';
import { testServices } from '../helpers/sources';
import { connectTestEnv, startTestWorker, type RunningWorker } from '../helpers/temporal';

// What a pipeline author was promised: a step declared `cache: true` is not executed again when its
// code, config, upstream outputs and (for a source) the data it reads are unchanged; a changed byte
// in the source runs it and everything downstream; a cached output whose artifact is gone is a miss,
// not a failure; `--no-cache` runs everything. Executions are counted from the runs' Temporal
// histories (activity tasks scheduled), not from what Cairn says about them.
const executions: string[] = [];
const summarize = defineStep({
  name: 'test-summarize',
  config: z.object({ label: z.string() }),
  run: ({ run, config, upstream }) => {
    executions.push(run.step);
    const ingested = upstream.ingest as { rows: number; dataset: { sha256: string } };
    return { label: config.label, rows: ingested.rows, dataset: ingested.dataset.sha256 };
  },
});

const dataDir = mkdtempSync(join(tmpdir(), 'cairn-cache-data-'));
const csv = join(dataDir, 'measurements.csv');
const ROWS = ['x,y,label', ...Array.from({ length: 40 }, (_, i) => `${i},${(i * 0.37).toFixed(2)},${i % 3 === 0 ? 'a' : 'b'}`)].join('\n') + '\n';

const pipeline = definePipeline({
  id: 'cache-pipeline',
  params: z.object({}),
  steps: {
    ingest: { activity: 'ingest', config: { source: csv }, cache: true },
    summary: { activity: summarize, after: ['ingest'], config: { label: 'rows' }, cache: true },
    always: { activity: summarize, after: ['ingest'], config: { label: 'never cached' } },
  },
});

let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let testStore: TestStore;
let artifacts: ArtifactStore;
let app: App;
let api: RunningApi;

interface StepView {
  name: string;
  status: string;
  output: Record<string, unknown> | null;
  cachedFrom?: string;
  cacheMiss?: string;
}

/** Starts a run through the API, waits for it, and returns its steps and the activity types its history scheduled. */
async function run(body: Record<string, unknown> = {}): Promise<{ runId: string; steps: Map<string, StepView>; executed: string[] }> {
  const started = await app.request(`/api/v1/pipelines/${pipeline.id}/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(started.status).toBe(201);
  const { runId } = (await started.json()) as { runId: string };
  return finished(runId);
}

async function finished(runId: string) {
  const handle = env.client.workflow.getHandle(runId);
  await handle.result();
  const history = await handle.fetchHistory();
  const executed = (history.events ?? []).flatMap((event) => {
    const name = event.activityTaskScheduledEventAttributes?.activityType?.name;
    return name ? [name] : [];
  });
  const view = (await (await app.request(`/api/v1/runs/${encodeURIComponent(runId)}`)).json()) as { status: string; steps: StepView[] };
  expect(view.status).toBe('succeeded');
  return { runId, steps: new Map(view.steps.map((s) => [s.name, s])), executed };
}

beforeAll(async () => {
  writeFileSync(csv, ROWS);
  env = await connectTestEnv();
  testStore = await openTestStore();
  const services = testServices({ artifacts: new ArtifactStore(mkdtempSync(join(tmpdir(), 'cairn-cache-artifacts-'))), store: testStore.store });
  artifacts = services.artifacts;
  const registry = defineRegistry({ pipelines: [pipeline] });
  worker = await startTestWorker(env, createActivities(registry, services));
  app = createApp(appDeps({ client: env.client, registry, store: testStore.store, artifacts, taskQueue: worker.taskQueue, temporalUiUrl: null }));
  api = await startApiServer(app, '127.0.0.1', await freePort());
});
afterAll(async () => {
  await api?.close();
  await worker?.stop();
  await env?.teardown();
  await testStore?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the step cache', () => {
  let first: Awaited<ReturnType<typeof run>>;

  it('executes every step the first time, saying why nothing was cached', async () => {
    first = await run();
    expect(first.executed.sort()).toEqual(['ingest', 'test-summarize', 'test-summarize']);
    expect(first.steps.get('ingest')!.cacheMiss).toMatch(/no earlier run/);
    expect(first.steps.get('ingest')!.cachedFrom).toBeUndefined();
  });

  it('executes no cacheable step in a second identical run, and hands on the first run\'s outputs', async () => {
    const before = executions.length;
    const second = await run();
    // Only the step without `cache: true` ran.
    expect(second.executed).toEqual(['test-summarize']);
    expect(executions.slice(before)).toEqual(['always']);
    for (const name of ['ingest', 'summary']) {
      const step = second.steps.get(name)!;
      expect(step.status).toBe('succeeded');
      expect(step.cachedFrom).toBe(first.runId);
      expect(step.output).toEqual(first.steps.get(name)!.output);
    }
    // The second run's lineage names the artifacts it used.
    const lineage = await listRunArtifacts(testStore.store.pool, second.runId);
    expect(lineage.map((a) => `${a.step}/${a.name}`).sort()).toEqual(['ingest/dataset', 'ingest/profile']);
    // `cairn status` says so.
    const status = await runCairn(api.url, ['status', second.runId]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`ingest\\s+succeeded \\(cached\\).*cached from ${first.runId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('runs the source and everything downstream again when one byte of the source changes', async () => {
    writeFileSync(csv, ROWS.replace('\n5,1.85,b\n', '\n5,1.86,b\n'));
    expect(readFileSync(csv, 'utf8')).not.toBe(ROWS);
    const changed = await run();
    expect(changed.executed.sort()).toEqual(['ingest', 'test-summarize', 'test-summarize']);
    const dataset = (changed.steps.get('ingest')!.output as { dataset: { sha256: string } }).dataset.sha256;
    expect(dataset).not.toBe((first.steps.get('ingest')!.output as { dataset: { sha256: string } }).dataset.sha256);
    expect(changed.steps.get('summary')!.output).toMatchObject({ dataset });
  });

  it('treats a cached output whose artifact was deleted as a miss, and the run succeeds', async () => {
    const cached = await run();
    expect(cached.executed).toEqual(['test-summarize']);
    const dataset = (cached.steps.get('ingest')!.output as { dataset: { sha256: string } }).dataset.sha256;
    rmSync(artifacts.pathOf(dataset));
    const afterLoss = await run();
    expect(afterLoss.executed).toContain('ingest');
    expect(afterLoss.steps.get('ingest')!.cacheMiss).toMatch(/unusable.*not in the store/);
    // Ingest wrote the same bytes again: the dataset is readable, and summary's inputs did not change.
    await expect(artifacts.verifiedPath(`cas://sha256/${dataset}`)).resolves.toContain(dataset);
    expect(afterLoss.steps.get('summary')!.cachedFrom).toBeDefined();
  });

  it('runs every step with `cairn run --no-cache`, and the next run uses what it cached', async () => {
    const result = await runCairn(api.url, ['run', pipeline.id, '--no-cache', '--json', '--wait']);
    expect(result.code, result.stderr).toBe(0);
    const { runId } = JSON.parse(result.stdout) as { runId: string };
    const forced = await finished(runId);
    expect(forced.executed.sort()).toEqual(['ingest', 'test-summarize', 'test-summarize']);
    expect(forced.steps.get('ingest')!.cacheMiss).toMatch(/asked not to use the cache/);
    const next = await run();
    expect(next.steps.get('ingest')!.cachedFrom).toBe(runId);
  });

  it('evicts entries without touching the artifacts runs reference, and an evicted step runs again', async () => {
    const cached = await run();
    expect(cached.steps.get('ingest')!.cachedFrom).toBeDefined();
    const listed = await runCairn(api.url, ['cache', 'list', '--pipeline', pipeline.id, '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const entries = (JSON.parse(listed.stdout) as { entries: { step: string; hits: number }[] }).entries;
    // One entry per content the steps have seen (the source changed once); the two just used come first.
    expect(new Set(entries.map((e) => e.step))).toEqual(new Set(['ingest', 'summary']));
    expect(entries.slice(0, 2).map((e) => e.step).sort()).toEqual(['ingest', 'summary']);
    expect(entries.slice(0, 2).every((e) => e.hits >= 1)).toBe(true);

    await new Promise((resolve) => setTimeout(resolve, 20));
    const evicted = await runCairn(api.url, ['cache', 'evict', '--older-than', '10ms', '--pipeline', pipeline.id]);
    expect(evicted.code, evicted.stderr).toBe(0);
    expect(evicted.stdout).toMatch(new RegExp(`^evicted ${entries.length} entries unused since `));
    // Every artifact of the run that used the cache is still there, whole.
    for (const artifact of await listRunArtifacts(testStore.store.pool, cached.runId)) await expect(artifacts.verifiedPath(artifact.uri)).resolves.toBeTruthy();
    const after = await run();
    expect(after.executed.sort()).toEqual(['ingest', 'test-summarize', 'test-summarize']);
    const bad = await runCairn(api.url, ['cache', 'evict', '--older-than', 'soon']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--older-than soon: expected a duration/);
  });

  it("never reads or writes the cache with cache: 'off'", async () => {
    const off = await run({ cache: 'off' });
    expect(off.executed.sort()).toEqual(['ingest', 'test-summarize', 'test-summarize']);
    expect(off.steps.get('ingest')!.cacheMiss).toBeUndefined();
    const next = await run();
    expect(next.steps.get('ingest')!.cachedFrom).not.toBe(off.runId);
  });
});
