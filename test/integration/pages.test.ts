import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createActivities } from '../../activities';
import { registry as definitions } from '../../definitions';
import { servedDays, WEATHER_LOOP_DATA } from '../../definitions/weatherLoop';
import { parseEnvApiKeys } from '../../lib/auth/apiKeys';
import { definePipeline, defineRegistry, defineStep } from '../../lib/dsl';
import type { DriftTrigger } from '../../lib/dsl/triggers';
import { freePort } from '../../lib/freePort';
import { startRun } from '../../lib/runs/startRun';
import { CAIRN_STATUS } from '../../lib/searchAttributes';
import { desiredSchedules } from '../../lib/schedules/desiredSchedules';
import { watchDriftInput } from '../../lib/schedules/syncSchedules';
import { PredictionLog } from '../../lib/serving/predictionLog';
import { createApp } from '../../server/app';
import { startApiServer, type RunningApi } from '../../server/serve';
import type { watchDrift } from '../../workflows/watchDrift';
import { appDeps } from '../helpers/appDeps';
import { launchBrowser, screenshot } from '../helpers/browser';
import { openTestStore, type TestStore } from '../helpers/postgres';
import { testServices } from '../helpers/sources';
import { connectTestEnv, startTestWorker, type RunningWorker } from '../helpers/temporal';
import { waitFor } from '../helpers/waitFor';

// What the pages promise, checked in real Chromium against a real Temporal server, PostgreSQL and
// the API with keys: each page draws what the run, the pipeline, the registry and the drift
// reports hold (counted independently from the definitions below), offers the actions a role may
// take and no others, and answers 401/403 as the API does.

const KEYS = { viewer: 'pages-viewer-key-0123456789', operator: 'pages-operator-key-0123456789', admin: 'pages-admin-key-0123456789' } as const;
type Role = keyof typeof KEYS;
const LOG_BOUND = 30;
const CHATTY_LINES = LOG_BOUND + 15;

/** Module state the steps read: the operator test "fixes" the fragile step's cause before retrying it. */
const fragile = { broken: true };

const work = defineStep({
  name: 'pages-work',
  config: z.object({ ms: z.number().int().default(0), failAttempts: z.number().int().default(0), lines: z.number().int().default(1), fragile: z.boolean().default(false) }),
  run: async ({ run, config }, { log, attempt }) => {
    for (let i = 0; i < config.lines; i++) log.info(`${run.step} line ${i} of attempt ${attempt}`);
    if (attempt <= config.failAttempts) throw new Error(`${run.step} fails attempt ${attempt} on purpose`);
    if (config.fragile && fragile.broken) throw new Error('the upstream export is missing');
    if (config.ms) await new Promise((resolve) => setTimeout(resolve, config.ms));
    return { step: run.step, attempt };
  },
});

// Four steps, four edges; `b` fails its first attempt (two bars), `chatty` logs past the bound.
const diamond = definePipeline({
  id: 'pages-diamond',
  params: z.object({}),
  steps: {
    a: { activity: work, config: {} },
    b: { activity: work, after: ['a'], config: { failAttempts: 1, lines: 2 }, retry: { attempts: 2, backoff: { initial: '10ms' } } },
    chatty: { activity: work, after: ['a'], config: { lines: CHATTY_LINES } },
    d: { activity: work, after: ['b', 'chatty'], config: {} },
  },
});
const DIAMOND_EDGES = ['a>b', 'a>chatty', 'b>d', 'chatty>d'];
const operatorFlow = definePipeline({ id: 'pages-operator', params: z.object({}), steps: { load: { activity: work, config: { fragile: true }, retry: { attempts: 1 } } } });
// A real deploy to the protected production alias, started by an operator: it waits for an admin's approval.
const approvalFlow = definePipeline({
  id: 'pages-approval',
  params: z.object({}),
  steps: {
    data: { activity: 'ingest', config: { source: WEATHER_LOOP_DATA.initial } },
    fit: { activity: 'train', after: ['data'], config: { target: 'weather' } },
    entry: { activity: 'register', after: ['fit'], config: { model: 'pages-approved' } },
    ship: { activity: 'deploy', after: ['entry'], config: { alias: 'production' }, approval: true },
  },
});
const slowFlow = definePipeline({
  id: 'pages-slow',
  params: z.object({}),
  steps: { one: { activity: work, config: { ms: 1200 } }, two: { activity: work, after: ['one'], config: { ms: 1200 } }, three: { activity: work, after: ['two'], config: { ms: 1200 } } },
});
// A map whose item 2 fails until its cause is "fixed", as the fragile step does.
const itemWork = defineStep({
  name: 'pages-item',
  run: ({ item }) => {
    if (item?.value === 2 && fragile.broken) throw new Error('item 2 has no export');
    return { doubled: (item?.value as number) * 2 };
  },
});
const mapFlow = definePipeline({
  id: 'pages-map',
  params: z.object({ xs: z.array(z.number()).default([0, 1, 2, 3]) }),
  steps: { each: { activity: itemWork, retry: { attempts: 1 }, map: { over: { param: 'xs' } } } },
});
// Three conditional steps, as the pipeline page states them.
const conditionalFlow = definePipeline({
  id: 'pages-conditional',
  params: z.object({ publish: z.boolean().default(true) }),
  steps: {
    a: { activity: work, config: {} },
    b: { activity: work, after: ['a'], config: {}, when: { step: 'a', field: 'ready' } },
    c: { activity: work, after: ['a'], config: {}, when: { step: 'a', field: 'gate.verdict', notEquals: 'worse' } },
    d: { activity: work, config: {}, when: { param: 'publish' } },
  },
});
const loop = definitions.pipelines.get('weather-loop')!;
const registry = defineRegistry({ pipelines: [diamond, operatorFlow, approvalFlow, slowFlow, mapFlow, conditionalFlow, loop] });

let env: TestWorkflowEnvironment;
let testStore: TestStore;
let worker: RunningWorker;
let predictionLog: PredictionLog;
let api: RunningApi;
let browser: Browser;
let base: string;
let diamondRun: string;
let datasetSha: string;
let trainedRun: { runId: string; outputs: Record<string, unknown> };

const start = async (pipeline: { id: string }) => {
  const response = await fetch(`${base}/api/v1/pipelines/${pipeline.id}/runs`, { method: 'POST', headers: { authorization: `Bearer ${KEYS.operator}`, 'content-type': 'application/json' }, body: '{}' });
  expect(response.status).toBe(201);
  return ((await response.json()) as { runId: string }).runId;
};
const runPath = (runId: string) => `/ui/runs/${encodeURIComponent(runId)}`;
const status = async (runId: string) => (await env.client.workflow.getHandle(runId).describe()).typedSearchAttributes.get(CAIRN_STATUS);

/** A browser session signed in through the sign-in page with a role's key. */
async function signedIn(role: Role): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${base}/ui/runs`);
  expect(await page.locator('input[name=key]').count()).toBe(1);
  await page.fill('input[name=key]', KEYS[role]);
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}/ui/runs`);
  expect(await page.getByTestId('role').textContent()).toBe(role);
  return { context, page };
}

/** A run of `pipeline` started with the fragile steps broken, once it waits for an operator. */
async function waitingRun(pipeline: { id: string }): Promise<string> {
  fragile.broken = true;
  const runId = await start(pipeline);
  await waitFor(async () => (await status(runId)) === 'awaiting_operator', `${pipeline.id} to wait for an operator`, 30_000);
  return runId;
}

/** The run's page, signed in as `role`. */
async function runPageAs(role: Role, runId: string): Promise<{ context: BrowserContext; page: Page }> {
  const session = await signedIn(role);
  await session.page.goto(`${base}${runPath(runId)}`);
  return session;
}

beforeAll(async () => {
  env = await connectTestEnv();
  testStore = await openTestStore();
  worker = await startTestWorker(env, createActivities(registry, testServices({ artifacts: testStore.artifacts, store: testStore.store, stepLogMaxLines: LOG_BOUND })));
  predictionLog = new PredictionLog(testStore.store.pool);
  const app = createApp(
    appDeps({
      client: env.client,
      registry,
      store: testStore.store,
      artifacts: testStore.artifacts,
      predictionLog,
      taskQueue: worker.taskQueue,
      temporalUiUrl: 'http://temporal-ui.example',
      security: { envApiKeys: parseEnvApiKeys(Object.entries(KEYS).map(([role, key]) => `${role}:${key}`).join(',')), rateLimitPerMinute: 100_000 },
    }),
  );
  api = await startApiServer(app, '127.0.0.1', await freePort());
  base = api.url;
  browser = await launchBrowser();

  // Seeded data: a finished diamond run; weather-loop trained and deployed, serving a drifted summer with feedback, checked once by the drift watcher.
  diamondRun = await start(diamond);
  await env.client.workflow.getHandle(diamondRun).result();
  const trained = await startRun(env.client, { pipeline: loop, trigger: 'test', taskQueue: worker.taskQueue });
  const trainedResult = await trained.handle.result();
  trainedRun = { runId: trained.runId, outputs: trainedResult.outputs };
  datasetSha = (trainedResult.outputs.data as { dataset: { sha256: string } }).dataset.sha256;
  const days = servedDays(['06', '07', '08']);
  for (let week = 0; week < days.length; week += 7) {
    const batch = days.slice(week, week + 7);
    const headers = { authorization: `Bearer ${KEYS.operator}`, 'content-type': 'application/json' };
    const served = await fetch(`${base}/api/v1/models/weather-loop/predict`, { method: 'POST', headers, body: JSON.stringify({ instances: batch.map((d) => d.instance) }) });
    const { requestId } = (await served.json()) as { requestId: string };
    await fetch(`${base}/api/v1/models/weather-loop/feedback`, { method: 'POST', headers, body: JSON.stringify({ items: batch.map((d, item) => ({ requestId, item, label: d.label })) }) });
  }
  await predictionLog.flush();
  const desired = desiredSchedules(defineRegistry({ pipelines: [loop] }), worker.taskQueue).find((d) => d.trigger.kind === 'drift')!;
  // A feedback bar no run can meet: the report is written, no retrain starts.
  await env.client.workflow.execute<typeof watchDrift>('watchDrift', {
    workflowId: `pages-watch-${Date.now()}`,
    taskQueue: worker.taskQueue,
    args: [{ ...watchDriftInput(desired, desired.trigger as DriftTrigger), feedback: { windowMs: 30 * 86_400_000, minLabelled: 1_000_000 } }],
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
  await predictionLog?.close();
  await worker?.stop();
  await testStore?.close();
  await env?.teardown();
});

describe('pages: what is drawn', () => {
  it('a run page draws one node per step, one edge per dependency and one timeline bar per attempt, with logs (a failed attempt included) and the trim', async () => {
    const { context, page } = await signedIn('viewer');
    await page.goto(`${base}${runPath(diamondRun)}`);
    expect(await page.getByTestId('run-status').getAttribute('data-status')).toBe('succeeded');
    const nodes = page.getByTestId('dag-node');
    expect((await nodes.evaluateAll((els) => els.map((e) => e.getAttribute('data-step')))).sort()).toEqual(diamond.steps.map((s) => s.name).sort());
    expect(await nodes.evaluateAll((els) => els.map((e) => e.getAttribute('data-state')))).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    const edges = await page.getByTestId('dag-edge').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-from')}>${e.getAttribute('data-to')}`));
    expect(edges.sort()).toEqual(DIAMOND_EDGES);
    // One bar per execution: b ran twice (its first attempt failed), the others once.
    const bars = await page.getByTestId('gantt-bar').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-step')}:${e.getAttribute('data-state')}`));
    expect(bars.sort()).toEqual(['a:succeeded', 'b:failed', 'b:succeeded', 'chatty:succeeded', 'd:succeeded']);
    // Logs: both attempts of b, and chatty trimmed to the bound with a note.
    const bLogs = await page.locator('[data-testid=step-logs][data-step=b] pre').textContent();
    expect(bLogs).toContain('#1 info  b line 0 of attempt 1');
    expect(bLogs).toContain('#1 error attempt 1 failed: b fails attempt 1 on purpose');
    expect(bLogs).toContain('#2 info  b line 1 of attempt 2');
    expect(await page.locator('[data-testid=step-logs][data-step=chatty] [data-testid=logs-trimmed]').textContent()).toContain(`${CHATTY_LINES - LOG_BOUND} older lines were trimmed`);
    expect((await page.locator('[data-testid=step-logs][data-step=chatty] pre').textContent())!.trim().split('\n')).toHaveLength(LOG_BOUND);
    expect(await page.getByTestId('temporal-link').getAttribute('href')).toBe(`http://temporal-ui.example/namespaces/default/workflows/${encodeURIComponent(diamondRun)}`);
    // A finished run offers no actions at all.
    expect(await page.locator('form.action').count()).toBe(0);
    await screenshot(page, 'run');
    await context.close();
  });

  it('the runs list filters by pipeline and status; the pipelines page draws each DAG with its params and triggers', async () => {
    const { context, page } = await signedIn('viewer');
    await page.goto(`${base}/ui/runs?pipeline=pages-diamond&status=succeeded`);
    const rows = page.getByTestId('run-row');
    expect(await rows.count()).toBeGreaterThanOrEqual(1);
    expect(await rows.evaluateAll((els) => els.every((e) => e.getAttribute('data-status') === 'succeeded'))).toBe(true);
    expect(await page.locator(`a[href="${runPath(diamondRun)}"]`).count()).toBe(1);
    await screenshot(page, 'runs');
    await page.goto(`${base}/ui/runs?pipeline=pages-diamond&status=failed`);
    expect(await rows.count()).toBe(0);

    await page.goto(`${base}/ui/pipelines`);
    await screenshot(page, 'pipelines');
    for (const pipeline of registry.pipelines.values()) {
      const drawn = page.locator(`[data-testid=pipeline][data-pipeline="${pipeline.id}"]`);
      expect(await drawn.getByTestId('dag-node').count()).toBe(pipeline.steps.length);
      expect(await drawn.getByTestId('dag-edge').count()).toBe(pipeline.steps.reduce((n, s) => n + (s.after?.length ?? 0), 0));
    }
    await page.goto(`${base}/ui/pipelines/pages-conditional`);
    const conditions = await page.locator('td em').allTextContents();
    expect(conditions).toEqual(['runs only when a.ready is true.', 'runs only when a.gate.verdict is not "worse".', 'runs only when param publish is true.']);
    await page.goto(`${base}/ui/pipelines/weather-loop`);
    const params = await page.getByTestId('params').locator('tbody tr').count();
    expect(params).toBe(Object.keys(loop.params.shape).length);
    expect(await page.getByTestId('trigger').textContent()).toContain("drift of model 'weather-loop' (production)");
    expect(await page.getByTestId('next-fire').count()).toBe(3);
    await screenshot(page, 'pipeline');
    await context.close();
  });

  it("a run page says what each built-in stage produced, in the words `cairn run --wait` prints", async () => {
    const { context, page } = await signedIn('viewer');
    await page.goto(`${base}/ui/runs/${encodeURIComponent(trainedRun.runId)}`);
    const summary = async (step: string) => (await page.locator(`[data-testid=step-row][data-step=${step}] [data-testid=step-summary]`).textContent())?.trim();
    const data = trainedRun.outputs.data as { rows: number; columns: unknown[]; dataset: { sha256: string } };
    const fit = trainedRun.outputs.fit as { metrics: { trainRows: number } };
    expect(await summary('data')).toBe(`${data.rows} rows x ${data.columns.length} columns: dataset ${data.dataset.sha256.slice(0, 12)}`);
    expect(await summary('fit')).toMatch(new RegExp(`^gradient-boosted-trees on ${fit.metrics.trainRows} rows: holdout accuracy 0\\.\\d+ \\(\\d+ rows\\)`));
    expect(await summary('entry')).toBe('weather-loop v1');
    expect(await summary('ship')).toBe('weather-loop production: (none) -> v1');
    await context.close();
  });

  it('the model page lists versions with lineage and alias history; the drift page draws both distributions of every feature; the dataset page shows its profile', async () => {
    const { context, page } = await signedIn('viewer');
    await page.goto(`${base}/ui/models`);
    expect(await page.getByTestId('model-row').filter({ hasText: 'weather-loop' }).count()).toBe(1);
    await screenshot(page, 'models');
    await page.goto(`${base}/ui/models/weather-loop`);
    expect(await page.locator('[data-testid=version-row][data-version="1"]').count()).toBe(1);
    expect(await page.locator('[data-testid=alias][data-alias=production] [data-testid=alias-move]').count()).toBe(1);
    // A viewer may not roll back (and one move leaves nothing to roll back to).
    expect(await page.getByTestId('action-rollback').count()).toBe(0);
    await screenshot(page, 'model');

    await page.goto(`${base}/ui/models/weather-loop/drift`);
    const report = (await (await fetch(`${base}/api/v1/models/weather-loop/drift`, { headers: { authorization: `Bearer ${KEYS.viewer}` } })).json()) as { reports: { features: { feature: string; kind: string; drifted: boolean }[]; drifted: boolean }[] };
    const features = report.reports[0]!.features;
    expect(features.length).toBeGreaterThan(0);
    expect(await page.getByTestId('drift-decision').getAttribute('data-drifted')).toBe(String(report.reports[0]!.drifted));
    for (const feature of features) {
      const chart = page.locator(`[data-testid=feature][data-feature="${feature.feature}"]`);
      expect(await chart.getAttribute('data-drifted')).toBe(String(feature.drifted));
      // Both distributions, each with at least one bar of non-zero height.
      for (const series of ['reference', 'current']) {
        const heights = await chart.locator(`[data-testid=series-${series}] rect`).evaluateAll((els) => els.map((e) => Number(e.getAttribute('height'))));
        expect(heights.length).toBeGreaterThan(1);
        expect(heights.some((h) => h > 0)).toBe(true);
      }
    }
    expect(await page.locator('[data-testid=timeseries][data-title="predictions per day"]').count()).toBe(1);
    expect(await page.locator('[data-testid=timeseries][data-title="feedback accuracy per day"] [data-testid=series] circle').count()).toBeGreaterThan(0);
    await screenshot(page, 'drift');

    await page.goto(`${base}/ui/datasets/${datasetSha}`);
    const profile = (await (await fetch(`${base}/api/v1/datasets/${datasetSha}/profile`, { headers: { authorization: `Bearer ${KEYS.viewer}` } })).json()) as { profile: { columns: { name: string }[] } };
    expect(await page.getByTestId('column').evaluateAll((els) => els.map((e) => e.getAttribute('data-column')))).toEqual(profile.profile.columns.map((c) => c.name));
    // Its lineage, each a link: the file it was read from, the run that read it, the model trained on it.
    expect(await page.getByTestId('source').innerText()).toMatch(/^file .*seattle-weather.*\(csv\)$/);
    expect(await page.getByTestId('produced-by').locator('a').first().innerText()).toBe(trainedRun.runId);
    expect(await page.getByTestId('trained-model').innerText()).toMatch(/^weather-loop v1 \[production\]/);
    await screenshot(page, 'dataset');
    // The 12 digits the CLI and the run page show find it too.
    await page.goto(`${base}/ui/datasets/${datasetSha.slice(0, 12)}`);
    expect(await page.getByTestId('column').count()).toBe(profile.profile.columns.length);
    await context.close();
  });
});

describe('pages: acting on runs', () => {
  it('follows a run live, without reloading, until it succeeds', async () => {
    const { context, page } = await signedIn('viewer');
    const runId = await start(slowFlow);
    await page.goto(`${base}${runPath(runId)}`);
    expect(await page.getByTestId('run-status').getAttribute('data-status')).toBe('running');
    await page.evaluate(() => ((globalThis as unknown as { notReloaded: boolean }).notReloaded = true));
    await page.waitForSelector('[data-testid=run-status][data-status=succeeded]', { timeout: 30_000 });
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(await page.getByTestId('gantt-bar').count()).toBe(3);
    await context.close();
  });

  it('a viewer sees no retry button; an operator retries a failed step from the run page and the run succeeds', async () => {
    const runId = await waitingRun(operatorFlow);
    const viewer = await runPageAs('viewer', runId);
    expect(await viewer.page.locator('[data-testid=step-row][data-step=load]').getAttribute('data-status')).toBe('awaiting_operator');
    expect(await viewer.page.getByTestId('step-error').textContent()).toContain('the upstream export is missing');
    expect(await viewer.page.getByTestId('action-retry').count()).toBe(0);
    expect(await viewer.page.getByTestId('action-abort').count()).toBe(0);
    await viewer.context.close();

    const operator = await runPageAs('operator', runId);
    expect(await operator.page.getByTestId('action-skip').count()).toBe(1);
    await screenshot(operator.page, 'run-awaiting-operator');
    fragile.broken = false;
    await operator.page.fill('[data-testid=action-retry] input[name=reason]', 'export landed');
    await operator.page.click('[data-testid=action-retry] button');
    await operator.page.waitForSelector('[data-testid=run-status][data-status=succeeded]', { timeout: 30_000 });
    expect(await operator.page.locator('[data-testid=step-row][data-step=load]').textContent()).toContain('export landed');
    await operator.context.close();
  });

  it("shows a map's items that wait for an operator, and an operator retries one item from the run page", async () => {
    const runId = await waitingRun(mapFlow);
    const viewer = await runPageAs('viewer', runId);
    expect(await viewer.page.getByTestId('map-item').evaluateAll((items) => items.map((i) => i.getAttribute('data-item')))).toEqual(['2']);
    expect(await viewer.page.getByTestId('map-item').textContent()).toContain('item 2: Error: item 2 has no export');
    expect(await viewer.page.getByTestId('item-action-retry').count()).toBe(0);
    await viewer.context.close();

    const operator = await runPageAs('operator', runId);
    expect(await operator.page.getByTestId('item-action-skip').count()).toBe(1);
    fragile.broken = false;
    await operator.page.fill('[data-testid=item-action-retry] input[name=reason]', 'export of item 2 landed');
    await operator.page.click('[data-testid=item-action-retry] button');
    await operator.page.waitForSelector('[data-testid=run-status][data-status=succeeded]', { timeout: 30_000 });
    const view = (await (await fetch(`${base}/api/v1/runs/${encodeURIComponent(runId)}`, { headers: { authorization: `Bearer ${KEYS.viewer}` } })).json()) as { steps: { output: unknown }[] };
    expect(view.steps[0]!.output).toEqual([0, 1, 2, 3].map((x) => ({ doubled: x * 2 })));
    expect(await operator.page.getByTestId('map-items').count()).toBe(0);
    await operator.context.close();
  });

  it('an operator cannot approve; an admin approves a waiting deploy from the run page, and production moves', async () => {
    const runId = await start(approvalFlow);
    await waitFor(async () => (await status(runId)) === 'awaiting_operator', 'the step to wait for approval', 30_000);
    const operator = await signedIn('operator');
    await operator.page.goto(`${base}${runPath(runId)}`);
    expect(await operator.page.locator('[data-testid=step-row][data-step=ship]').getAttribute('data-status')).toBe('awaiting_approval');
    expect(await operator.page.getByTestId('action-approve').count()).toBe(0);
    await operator.context.close();

    const admin = await signedIn('admin');
    await admin.page.goto(`${base}${runPath(runId)}`);
    expect(await admin.page.getByTestId('action-reject').count()).toBe(1);
    await admin.page.fill('[data-testid=action-approve] input[name=reason]', 'holdout looks right');
    await admin.page.click('[data-testid=action-approve] button');
    await admin.page.waitForSelector('[data-testid=run-status][data-status=succeeded]', { timeout: 30_000 });
    await admin.page.goto(`${base}/ui/models/pages-approved`);
    expect(await admin.page.locator('[data-testid=alias][data-alias=production] h3').textContent()).toContain('production → v1');
    await admin.context.close();
  });
});

describe('pages: keys and roles', () => {
  // Every page and who may open it; every action and the least role that may take it (the API's role table for the route it calls).
  const PAGES = ['/ui/runs', '/ui/pipelines', '/ui/pipelines/pages-diamond', '/ui/models', '/ui/models/weather-loop', '/ui/models/weather-loop/drift', () => `/ui/datasets/${datasetSha}`, () => runPath(diamondRun), () => `${runPath(diamondRun)}/live`];
  const ACTIONS: [() => string, Role][] = [
    [() => `${runPath(diamondRun)}/steps/a/retry`, 'operator'],
    [() => `${runPath(diamondRun)}/steps/a/skip`, 'operator'],
    [() => `${runPath(diamondRun)}/abort`, 'operator'],
    [() => `${runPath(diamondRun)}/steps/a/approve`, 'admin'],
    [() => `${runPath(diamondRun)}/steps/a/reject`, 'admin'],
    [() => '/ui/models/weather-loop/aliases/production/rollback', 'admin'],
  ];
  const ROLES: Role[] = ['viewer', 'operator', 'admin'];
  const form = (role: Role | null, extra: Record<string, string> = {}) => ({
    method: 'POST',
    redirect: 'manual' as const,
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base, ...(role ? { cookie: `cairn_key=${KEYS[role]}` } : {}), ...extra },
    body: 'reason=matrix',
  });

  it('every page: 401 (the sign-in page) without a key or with an unknown one, 200 with any role', async () => {
    for (const entry of PAGES) {
      const path = typeof entry === 'string' ? entry : entry();
      const anonymous = await fetch(`${base}${path}`);
      expect(anonymous.status, path).toBe(401);
      expect(await anonymous.text()).toContain('name="key"');
      expect((await fetch(`${base}${path}`, { headers: { cookie: 'cairn_key=not-a-key' } })).status, path).toBe(401);
      for (const role of ROLES) {
        const answer = await fetch(`${base}${path}`, { headers: { cookie: `cairn_key=${KEYS[role]}` } });
        expect(answer.status, `${path} as ${role}`).toBe(200);
        expect(answer.headers.get('content-type')).toContain('text/html');
      }
    }
  });

  it('every action: 401 without a key, 403 below its role, and past the role check the API decides (409: nothing waits)', async () => {
    for (const [path, least] of ACTIONS) {
      expect((await fetch(`${base}${path()}`, form(null))).status, path()).toBe(401);
      for (const role of ROLES) {
        const answer = await fetch(`${base}${path()}`, form(role));
        const allowed = ROLES.indexOf(role) >= ROLES.indexOf(least);
        // The diamond run is finished and its alias has one move: an allowed action reaches the API, which refuses it as a conflict.
        expect(answer.status, `${path()} as ${role}`).toBe(allowed ? (path().includes('rollback') ? 422 : 409) : 403);
      }
    }
  });

  it('a form posted from another site is refused before anything runs', async () => {
    const answer = await fetch(`${base}${runPath(diamondRun)}/abort`, form('admin', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }));
    expect(answer.status).toBe(403);
    expect(await answer.text()).toContain('did not come from this site');
  });

  it('the sign-in cookie is HttpOnly and SameSite=Strict, and the API itself ignores it', async () => {
    const signIn = await fetch(`${base}/ui/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base }, body: `key=${KEYS.admin}&next=/ui/models` });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('location')).toBe('/ui/models');
    expect(signIn.headers.get('set-cookie')).toMatch(/^cairn_key=.+; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict$/);
    expect((await fetch(`${base}/api/v1/runs`, { headers: { cookie: `cairn_key=${KEYS.admin}` } })).status).toBe(401);
    const offSite = await fetch(`${base}/ui/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: base }, body: `key=${KEYS.admin}&next=https://evil.example/` });
    expect(offSite.headers.get('location')).toBe('/ui/runs');
  });
});
