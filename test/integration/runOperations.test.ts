import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { z } from 'zod';
import { definePipeline, defineRegistry, onEvent } from '../../lib/dsl';
import { config } from '../../lib/config';
import { listRuns } from '../../lib/runs/listRuns';
import { resolveTemporalCli } from '../../lib/temporalDevServer';
import { createApp } from '../../server/app';
import { recordingSteps } from '../helpers/recordingSteps';
import { connectTestEnv, startTestWorker, type RunningWorker } from '../helpers/temporal';
import { waitFor } from '../helpers/waitFor';
import { appDeps } from '../helpers/appDeps';

let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let app: ReturnType<typeof createApp>;
const steps = recordingSteps();
const suffix = randomUUID().slice(0, 6);
const ids = { ingest: `on-event-${suffix}`, chain: `chain-${suffix}`, listed: `listed-${suffix}` };

const registry = defineRegistry({
  pipelines: [
    definePipeline({
      id: ids.ingest,
      params: z.object({ path: z.string().min(1) }),
      steps: { load: { activity: steps.work, config: { ms: 0 } } },
      triggers: [onEvent(`landed-${suffix}`, { params: (payload) => ({ path: String((payload as { path?: string }).path ?? '') }) })],
    }),
    definePipeline({
      id: ids.chain,
      params: z.object({}),
      steps: {
        extract: { activity: steps.work, config: { ms: 0 } },
        train: { activity: steps.work, after: ['extract'], config: { ms: 0 } },
        publish: { activity: steps.work, after: ['train'], config: { ms: 0 } },
        audit: { activity: steps.work, after: ['extract'], config: { ms: 0 } },
      },
    }),
    definePipeline({
      id: ids.listed,
      params: z.object({}),
      steps: { only: { activity: steps.work, config: { ms: 0 }, retry: { attempts: 1 } } },
    }),
  ],
});

beforeAll(async () => {
  env = await connectTestEnv();
  worker = await startTestWorker(env, steps.activities);
  app = createApp(appDeps({ client: env.client, registry, taskQueue: worker.taskQueue, temporalUiUrl: null }));
});
afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
});

const post = async (path: string, body: unknown = {}) => {
  const response = await app.request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return { status: response.status, body: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
};
const get = async (path: string) => (await (await app.request(path)).json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const runUrl = (runId: string) => `/api/v1/runs/${encodeURIComponent(runId)}`;

describe('event triggers', () => {
  it('starts the subscribed pipeline once per event id, even after the first run finished', async () => {
    const url = `/api/v1/events/landed-${suffix}`;
    const first = await post(url, { id: 'export-2026-11-26', payload: { path: '/data/x.csv' } });
    expect(first.status).toBe(201);
    expect(first.body.started).toEqual([{ pipeline: ids.ingest, runId: `cairn:${ids.ingest}:event:landed-${suffix}-export-2026-11-26` }]);
    await env.client.workflow.getHandle(first.body.started[0].runId).result();
    const again = await post(url, { id: 'export-2026-11-26', payload: { path: '/data/x.csv' } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ started: [], duplicates: [{ pipeline: ids.ingest }] });
    const other = await post(url, { id: 'export-2026-11-27', payload: { path: '/data/y.csv' } });
    expect(other.body.started).toHaveLength(1);
    await env.client.workflow.getHandle(other.body.started[0].runId).result();
  });

  it('refuses a payload that makes bad params (naming the field), an unknown event and a missing id', async () => {
    const bad = await post(`/api/v1/events/landed-${suffix}`, { id: 'e1', payload: { file: 'oops' } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details).toEqual([{ path: 'path', message: expect.any(String) }]);
    expect((await post('/api/v1/events/never-heard-of', { id: 'x' })).status).toBe(404);
    expect((await post(`/api/v1/events/landed-${suffix}`, { payload: {} })).status).toBe(422);
    const runs = await listRuns(env.client, { pipeline: ids.ingest });
    expect(runs.every((r) => !r.runId.endsWith('-e1'))).toBe(true);
  });
});

describe('re-running from a step', () => {
  it('reuses upstream outputs, runs the step and its downstream again, and gets the same result', async () => {
    steps.events.length = 0;
    const started = await post(`/api/v1/pipelines/${ids.chain}/runs`);
    const original = await env.client.workflow.getHandle(started.body.runId).result();
    expect(steps.events.filter((e) => e.event === 'end')).toHaveLength(4);

    steps.events.length = 0;
    const rerun = await post(`${runUrl(started.body.runId)}/rerun`, { fromStep: 'train' });
    expect(rerun.status).toBe(201);
    expect(rerun.body).toMatchObject({ rerunOf: started.body.runId, reused: ['extract', 'audit'], rerun: ['train', 'publish'] });
    expect(rerun.body.runId).toMatch(new RegExp(`^cairn:${ids.chain}:rerun:`));
    const result = await env.client.workflow.getHandle(rerun.body.runId).result();
    expect(steps.events.filter((e) => e.event === 'start').map((e) => e.step)).toEqual(['train', 'publish']);
    expect(result.outputs.publish).toEqual(original.outputs.publish);
    const view = await get(runUrl(rerun.body.runId));
    expect(view.steps.find((s: { name: string }) => s.name === 'extract')).toMatchObject({ status: 'succeeded', reusedFrom: started.body.runId });
    expect(view.steps.find((s: { name: string }) => s.name === 'train').reusedFrom).toBeNull();
    expect((await post(`${runUrl(started.body.runId)}/rerun`, { fromStep: 'nope' })).status).toBe(422);
  });
});

describe('listing runs', () => {
  it('filters by pipeline and status', async () => {
    const ok = (await post(`/api/v1/pipelines/${ids.listed}/runs`)).body.runId as string;
    await env.client.workflow.getHandle(ok).result();
    steps.failuresLeft.set('only', 1);
    const waiting = (await post(`/api/v1/pipelines/${ids.listed}/runs`)).body.runId as string;
    const listed = (query: string) => get(`/api/v1/runs?pipeline=${ids.listed}${query}`).then((b) => (b.runs as { runId: string }[]).map((r) => r.runId));
    await waitFor(async () => (await listed('&status=awaiting_operator')).length === 1, 'the waiting run to be listed');
    expect(await listed('&status=awaiting_operator')).toEqual([waiting]);
    expect(await listed('&status=succeeded')).toEqual([ok]);
    expect((await listed('')).sort()).toEqual([ok, waiting].sort());
    expect(await listed('&status=failed')).toEqual([]);
    expect((await app.request('/api/v1/runs?status=sideways')).status).toBe(422);
    expect((await app.request("/api/v1/runs?pipeline=x' OR '1'='1")).status).toBe(422);
    await post(`${runUrl(waiting)}/abort`, { reason: 'test over' });
    await waitFor(async () => (await listed('&status=failed')).length === 1, 'the aborted run to be listed as failed');
  });
});

describe('the temporal CLI', () => {
  it('finds a run started by Cairn on each Cairn search attribute', async () => {
    const runId = (await post(`/api/v1/pipelines/${ids.listed}/runs`, { trigger: 'cli-check' })).body.runId as string;
    await env.client.workflow.getHandle(runId).result();
    const temporal = resolveTemporalCli(config().TEMPORAL_CLI_PATH);
    const list = (query: string) =>
      new Promise<string[]>((resolve, reject) =>
        execFile(temporal, ['workflow', 'list', '--address', inject('temporalAddress'), '--query', query, '--output', 'json'], (error, stdout) =>
          error ? reject(error) : resolve((JSON.parse(stdout || '[]') as { execution: { workflowId: string } }[]).map((w) => w.execution.workflowId)),
        ),
      );
    for (const query of [`CairnPipeline='${ids.listed}'`, `CairnTrigger='cli-check'`, `CairnStatus='succeeded' AND CairnPipeline='${ids.listed}'`]) {
      expect(await waitFor(async () => (await list(query)).includes(runId), `temporal workflow list --query "${query}"`)).toBe(true);
    }
  });
});
