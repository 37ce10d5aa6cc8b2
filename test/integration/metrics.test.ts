import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { z } from 'zod';
import { definePipeline, defineRegistry } from '../../lib/dsl';
import { freePort } from '../../lib/freePort';
import { createApp } from '../../server/app';
import { createTestDatabase } from '../helpers/postgres';
import { recordingSteps } from '../helpers/recordingSteps';
import { connectTestEnv, startTestWorker, uniqueQueue, type RunningWorker } from '../helpers/temporal';
import { waitFor } from '../helpers/waitFor';
import { appDeps } from '../helpers/appDeps';

let env: TestWorkflowEnvironment;
let worker: RunningWorker;
const steps = recordingSteps();
const pipeline = definePipeline({
  id: 'metrics-p',
  params: z.object({}),
  steps: {
    load: { activity: steps.work, config: { ms: 0 }, retry: { attempts: 2, backoff: { initial: '100ms' } } },
    train: { activity: steps.work, after: ['load'], config: { ms: 20 }, retry: { attempts: 1 } },
  },
});

beforeAll(async () => {
  env = await connectTestEnv();
  worker = await startTestWorker(env, steps.activities);
});
afterAll(async () => {
  await worker?.stop();
  await env?.teardown();
});

/** The value of one sample line of the Prometheus text format, or undefined. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.includes(w)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : undefined;
}

describe('/metrics', () => {
  it('counts runs, steps, retries, waiting runs and requests with the right labels', async () => {
    const app = createApp(appDeps({ client: env.client, registry: defineRegistry({ pipelines: [pipeline] }), taskQueue: worker.taskQueue, temporalUiUrl: null }));
    const start = async () => ((await (await app.request('/api/v1/pipelines/metrics-p/runs', { method: 'POST', body: '{}' })).json()) as { runId: string }).runId;
    steps.failuresLeft.set('load', 1); // first run: load fails once, then succeeds on its retry
    const ok = await start();
    await env.client.workflow.getHandle(ok).result();
    steps.failuresLeft.set('train', 1); // second run: train fails for good and waits for an operator
    await start();

    const scrape = async () => (await app.request('/metrics')).text();
    const text = await waitFor(async () => {
      const body = await scrape();
      return sample(body, 'cairn_runs', { pipeline: 'metrics-p', status: 'awaiting_operator' }) === 1 && body;
    }, 'the waiting run to show in cairn_runs');
    expect(sample(text, 'cairn_runs_started_total', { pipeline: 'metrics-p', trigger: 'api' })).toBe(2);
    expect(sample(text, 'cairn_runs_finished_total', { pipeline: 'metrics-p', trigger: 'api', outcome: 'succeeded' })).toBe(1);
    expect(sample(text, 'cairn_runs', { pipeline: 'metrics-p', status: 'succeeded' })).toBe(1);
    expect(sample(text, 'cairn_step_retries_total', { pipeline: 'metrics-p', step: 'load' })).toBe(1);
    expect(sample(text, 'cairn_step_duration_seconds_count', { pipeline: 'metrics-p', step: 'load', activity: 'test-work', outcome: 'failed' })).toBe(1);
    expect(sample(text, 'cairn_step_duration_seconds_count', { pipeline: 'metrics-p', step: 'load', activity: 'test-work', outcome: 'succeeded' })).toBe(2);
    expect(sample(text, 'cairn_step_duration_seconds_count', { pipeline: 'metrics-p', step: 'train', activity: 'test-work', outcome: 'failed' })).toBe(1);
    expect(sample(text, 'cairn_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/pipelines/:id/runs', status: '201' })).toBe(2);
  });

  it("serves a standalone worker's own metrics and the Temporal SDK's worker metrics", async () => {
    const port = await freePort();
    // The example pipelines record to the store: a worker that hosts them has one, or it refuses to start.
    const database = await createTestDatabase();
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../../workers/pipelines.ts', import.meta.url))], {
      env: { ...process.env, TEMPORAL_ADDRESS: inject('temporalAddress'), DATABASE_URL: database.url, CAIRN_TASK_QUEUE: uniqueQueue('metrics'), CAIRN_WORKER_METRICS_PORT: String(port), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    try {
      const cairn = await waitFor(() => fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text()), 'worker metrics', 60_000, 250);
      expect(cairn).toContain('# TYPE cairn_step_duration_seconds histogram');
      const sdk = await waitFor(async () => {
        const body = await fetch(`http://127.0.0.1:${port + 1}/metrics`).then((r) => r.text());
        // The pollers' gauge appears once the worker polls: what the CairnNoWorkerPolling alert reads.
        return body.includes('temporal_num_pollers') && body;
      }, 'SDK metrics', 30_000, 250);
      expect(sdk).toMatch(/^temporal_\w+/m);
      expect(sdk).toMatch(/^temporal_num_pollers\{.*task_queue=/m);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
      await database.drop();
    }
  });
});
