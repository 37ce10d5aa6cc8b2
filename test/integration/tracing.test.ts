import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createActivities } from '../../activities';
import { definePipeline, defineRegistry, defineStep } from '../../lib/dsl';
import { scratchServices } from '../../lib/services';
import { tracingClientInterceptors } from '../../lib/tracing/temporalTracing';
import { startTracing, type Tracing } from '../../lib/tracing/tracing';
import { createApp, type App } from '../../server/app';
import { appDeps } from '../helpers/appDeps';
import { openTestStore, type TestStore } from '../helpers/postgres';
import { connectTestEnv, startTestWorker, type RunningWorker } from '../helpers/temporal';
import { waitFor } from '../helpers/waitFor';
import { webhookReceiver } from '../helpers/webhookReceiver';

// What tracing promises: with an OTLP endpoint configured, one trace runs from the API request that
// starts a run through the workflow to every step, exported to the collector (here a loopback
// receiver of OTLP/HTTP JSON), and the run's page names that trace; a caller's own traceparent is
// continued; a collector that goes away costs spans, not runs.

const touch = defineStep({ name: 'trace-touch', config: z.object({}), run: async ({ run }) => ({ step: run.step }) });
const pipeline = definePipeline({ id: 'traced', params: z.object({}), steps: { first: { activity: touch, config: {} }, second: { activity: touch, after: ['first'], config: {} } } });
const registry = defineRegistry({ pipelines: [pipeline] });

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
}
type OtlpBody = { resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: OtlpSpan[] }[] }[] };

let env: TestWorkflowEnvironment;
let testStore: TestStore;
let worker: RunningWorker;
let tracing: Tracing;
let collector: Awaited<ReturnType<typeof webhookReceiver>>;
let app: App;

/** OTLP JSON carries ids as hex (the spec) or, from some exporters, base64: both read as hex here. */
const hex = (id: string | undefined) => (!id ? '' : /^[0-9a-f]+$/.test(id) ? id : Buffer.from(id, 'base64').toString('hex'));
const spans = () =>
  (collector.bodies() as OtlpBody[]).flatMap((body) =>
    body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans.map((span) => ({ ...span, traceId: hex(span.traceId), spanId: hex(span.spanId), parentSpanId: hex(span.parentSpanId), service: r.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue })))),
  );

const startRun = async (headers: Record<string, string> = {}) => {
  const started = await app.request(`/api/v1/pipelines/${pipeline.id}/runs`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
  expect(started.status).toBe(201);
  const { runId } = (await started.json()) as { runId: string };
  await env.client.workflow.getHandle(runId).result();
  return runId;
};

beforeAll(async () => {
  collector = await webhookReceiver();
  tracing = (await startTracing({ url: `${collector.url}v1/traces`, headers: { authorization: 'Bearer collector-token' }, serviceName: 'cairn-test' }))!;
  env = await connectTestEnv();
  testStore = await openTestStore();
  // A traced worker bundles its workflow code with the SDK's workflow interceptor (the shared test bundle has none).
  worker = await startTestWorker(env, createActivities(registry, scratchServices(testStore.store)));
  const client = new Client({ connection: env.connection, interceptors: tracingClientInterceptors(tracing) });
  app = createApp(appDeps({ client, registry, store: testStore.store, artifacts: testStore.artifacts, taskQueue: worker.taskQueue }));
}, 120_000);
afterAll(async () => {
  await tracing?.shutdown();
  await worker?.stop();
  await testStore?.close();
  await env?.teardown();
  collector?.close();
});

describe('tracing', () => {
  it('one trace from the API request through the workflow to each step, named on the run page', async () => {
    const runId = await startRun();
    const view = (await (await app.request(`/api/v1/runs/${encodeURIComponent(runId)}`)).json()) as { traceId: string | null };
    expect(view.traceId).toMatch(/^[0-9a-f]{32}$/);
    const traced = () => spans().filter((s) => s.traceId === view.traceId);
    const names = ['POST /api/v1/pipelines/:id/runs', 'StartWorkflow:runPipeline', 'RunWorkflow:runPipeline', 'StartActivity:trace-touch', 'RunActivity:trace-touch'];
    await waitFor(async () => {
      await tracing.spanProcessor.forceFlush();
      return names.every((name) => traced().some((s) => s.name === name)) && traced().filter((s) => s.name === 'RunActivity:trace-touch').length === 2;
    }, 'the run\'s spans to reach the collector', 30_000);
    const byName = (name: string) => traced().filter((s) => s.name === name);
    const only = (name: string) => byName(name)[0]!;
    // The chain: request -> start -> workflow run -> each activity's start -> its execution.
    expect(only('POST /api/v1/pipelines/:id/runs').parentSpanId).toBe('');
    expect(only('StartWorkflow:runPipeline').parentSpanId).toBe(only('POST /api/v1/pipelines/:id/runs').spanId);
    expect(only('RunWorkflow:runPipeline').parentSpanId).toBe(only('StartWorkflow:runPipeline').spanId);
    const starts = byName('StartActivity:trace-touch');
    expect(starts).toHaveLength(2);
    for (const start of starts) expect(start.parentSpanId).toBe(only('RunWorkflow:runPipeline').spanId);
    expect(byName('RunActivity:trace-touch').map((s) => s.parentSpanId).sort()).toEqual(starts.map((s) => s.spanId).sort());
    expect(traced().every((s) => s.service === 'cairn-test')).toBe(true);

    const page = await (await app.request(`/ui/runs/${encodeURIComponent(runId)}`)).text();
    expect(page).toContain(`<dd data-testid="trace-id"><code>${view.traceId}</code></dd>`);
  });

  it("continues a caller's trace (traceparent)", async () => {
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const runId = await startRun({ traceparent: `00-${callerTrace}-00f067aa0ba902b7-01` });
    const view = (await (await app.request(`/api/v1/runs/${encodeURIComponent(runId)}`)).json()) as { traceId: string | null };
    expect(view.traceId).toBe(callerTrace);
  });

  it('a collector that is gone loses spans, not runs', async () => {
    collector.close();
    const started = performance.now();
    const runId = await startRun();
    expect(performance.now() - started).toBeLessThan(15_000);
    expect((await env.client.workflow.getHandle(runId).describe()).status.name).toBe('COMPLETED');
    // Sending what is buffered now fails and says why; shutting tracing down still ends cleanly.
    await expect(tracing.spanProcessor.forceFlush()).rejects.toThrow(/ECONNREFUSED/);
    await expect(tracing.shutdown()).resolves.toBeUndefined();
  });
});
