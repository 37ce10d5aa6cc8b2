/**
 * A run acts with its starter's authority, and workers run only what the API issued. Promised
 * (README, Security): an operator-started run cannot move `production` unless an admin approved the
 * step; every run records who started it (API and memo); a worker holding CAIRN_SPEC_SECRET refuses
 * a run started straight in Temporal, or one whose config or starter was changed, naming why.
 * Real Temporal, real PostgreSQL, the real deploy stage.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createActivities } from '../../activities';
import { parseEnvApiKeys } from '../../lib/auth/apiKeys';
import { signSpec } from '../../lib/auth/runAuthority';
import { compile } from '../../lib/dsl/compile';
import { defineStep, definePipeline, defineRegistry } from '../../lib/dsl';
import { aliasHistory, moveAlias } from '../../lib/registry/aliases';
import { resolveAlias } from '../../lib/registry/aliases';
import { startCompiledRun } from '../../lib/runs/startRun';
import { type createApp } from '../../server/app';
import { appOnWorker } from '../helpers/appOnWorker';
import { registerPenguins } from '../helpers/penguinsModel';
import { openTestStore, type TestStore } from '../helpers/postgres';
import { TEST_AUTHORITY, testServices } from '../helpers/sources';
import { connectTestEnv, startTestWorker, type RunningWorker } from '../helpers/temporal';
import { waitFor } from '../helpers/waitFor';
import { approveStepUpdate } from '../../lib/runContract/messages';

const KEYS = { viewer: 'viewer-key-0123456789', operator: 'operator-key-0123456789', admin: 'admin-key-0123456789' } as const;
const SECRET = 'a-test-spec-secret-that-is-32-chars-long';

/** Hands the deploy step a version to ship (register would make one; the version is registered beforehand here). */
const pick = defineStep({ name: 'pick-version', config: z.strictObject({ version: z.number().int() }), run: ({ config }) => ({ model: 'penguins', version: config.version }) });
const params = z.object({ version: z.number().int() });
const registry = defineRegistry({
  pipelines: [
    definePipeline({ id: 'ship', params, onFailure: { mode: 'fail' }, steps: { pick: { activity: pick, config: (p) => ({ version: p.version }) }, ship: { activity: 'deploy', after: ['pick'] } } }),
    definePipeline({
      id: 'ship-approved',
      params,
      onFailure: { mode: 'fail' },
      steps: { pick: { activity: pick, config: (p) => ({ version: p.version }) }, ship: { activity: 'deploy', after: ['pick'], approval: { timeout: '1h' } } },
    }),
    definePipeline({ id: 'ship-canary', params, onFailure: { mode: 'fail' }, steps: { pick: { activity: pick, config: (p) => ({ version: p.version }) }, ship: { activity: 'deploy', after: ['pick'], config: { alias: 'canary', weight: 0.1 } } } }),
  ],
});

let env: TestWorkflowEnvironment;
let testStore: TestStore;
let worker: RunningWorker;
let app: ReturnType<typeof createApp>;
let versions: number[];

beforeAll(async () => {
  env = await connectTestEnv();
  testStore = await openTestStore();
  const { store, artifacts } = testStore;
  versions = [];
  for (const l2 of [1e-3, 1e-2, 1e-1]) versions.push((await registerPenguins(store.pool, artifacts, l2, `cairn:setup:${l2}`)).version);
  worker = await startTestWorker(env, createActivities(registry, testServices({ artifacts, store, authority: { ...TEST_AUTHORITY, specSecret: SECRET } })));
  app = appOnWorker(env, registry, testStore, worker, {
    envApiKeys: parseEnvApiKeys(Object.entries(KEYS).map(([role, key]) => `${role}:${key}`).join(',')),
    specSecret: SECRET,
    rateLimitPerMinute: 1_000,
  });
}, 60_000);
afterAll(async () => {
  await worker?.stop();
  await testStore?.close();
  await env?.teardown();
});

const as = (role: keyof typeof KEYS) => ({ authorization: `Bearer ${KEYS[role]}`, 'content-type': 'application/json' });

async function start(role: keyof typeof KEYS, pipeline: string, version: number): Promise<string> {
  const response = await app.request(`/api/v1/pipelines/${pipeline}/runs`, { method: 'POST', headers: as(role), body: JSON.stringify({ params: { version } }) });
  expect(response.status).toBe(201);
  return ((await response.json()) as { runId: string }).runId;
}

type RunBody = { status: string; startedBy: { principal: string; role: string } | null; steps: { name: string; status: string; error: { type: string; message: string } | null }[] };

async function finished(runId: string): Promise<RunBody> {
  return waitFor(async () => {
    const run = (await (await app.request(`/api/v1/runs/${encodeURIComponent(runId)}`, { headers: as('viewer') })).json()) as RunBody;
    return run.status === 'succeeded' || run.status === 'failed' ? run : undefined;
  }, `run ${runId} to finish`, 30_000, 200);
}

const production = async () => (await resolveAlias(testStore.store.pool, 'penguins', 'production'))?.version ?? null;

describe('a run acts with its starter\'s authority', () => {
  it('an operator-started run cannot move production (the reproduced escalation); the alias stays and the step says why', async () => {
    await moveAlias(testStore.store.pool, { model: 'penguins', alias: 'production', version: versions[0]!, actor: 'test', reason: 'baseline' });
    const run = await finished(await start('operator', 'ship', versions[1]!));
    expect(run.status).toBe('failed');
    expect(run.startedBy).toEqual({ principal: expect.stringMatching(/^key:/), role: 'operator' });
    const ship = run.steps.find((s) => s.name === 'ship');
    expect(ship?.error?.type).toBe('NotPermitted');
    expect(ship?.error?.message).toMatch(/may not move penguins's 'production' alias: the run was started by key:.* \(operator\)/);
    expect(await production()).toBe(versions[0]);
  });

  it('an operator-started run may move an alias that is not protected (a canary)', async () => {
    const run = await finished(await start('operator', 'ship-canary', versions[1]!));
    expect(run.status).toBe('succeeded');
    expect((await resolveAlias(testStore.store.pool, 'penguins', 'canary'))?.version).toBe(versions[1]);
  });

  it('an admin-started run moves production, and the alias history names who started it', async () => {
    const run = await finished(await start('admin', 'ship', versions[1]!));
    expect(run.status).toBe('succeeded');
    expect(await production()).toBe(versions[1]);
    const [latest] = await aliasHistory(testStore.store.pool, 'penguins', 'production');
    expect(latest?.actor).toMatch(/^run cairn:ship:api:.* started by key:.* \(admin\)$/);
  });

  it('an operator-started run moves production once an admin approved the step, not on an operator\'s approval', async () => {
    const approved = await start('operator', 'ship-approved', versions[2]!);
    await waitFor(async () => ((await (await app.request(`/api/v1/runs/${encodeURIComponent(approved)}`, { headers: as('viewer') })).json()) as RunBody).steps.find((s) => s.name === 'ship')?.status === 'awaiting_approval' || undefined, 'the approval gate', 20_000, 100);
    // The approve route is admin-only: an operator's key is refused by the API itself.
    expect((await app.request(`/api/v1/runs/${encodeURIComponent(approved)}/steps/ship/approve`, { method: 'POST', headers: as('operator'), body: '{}' })).status).toBe(403);
    expect((await app.request(`/api/v1/runs/${encodeURIComponent(approved)}/steps/ship/approve`, { method: 'POST', headers: as('admin'), body: JSON.stringify({ reason: 'reviewed' }) })).status).toBe(200);
    expect((await finished(approved)).status).toBe('succeeded');
    expect(await production()).toBe(versions[2]);
    const [latest] = await aliasHistory(testStore.store.pool, 'penguins', 'production');
    expect(latest?.actor).toMatch(/\(operator\), approved by api key .* \(admin\)$/);

    // An approval sent straight to Temporal, claiming the admin role without the API's signature, does not count.
    const forged = await start('operator', 'ship-approved', versions[0]!);
    await waitFor(async () => ((await (await app.request(`/api/v1/runs/${encodeURIComponent(forged)}`, { headers: as('viewer') })).json()) as RunBody).steps.find((s) => s.name === 'ship')?.status === 'awaiting_approval' || undefined, 'the approval gate', 20_000, 100);
    await env.client.workflow.getHandle(forged).executeUpdate(approveStepUpdate, { args: [{ step: 'ship', by: 'mallory', role: 'admin' }] });
    const run = await finished(forged);
    expect(run.steps.find((s) => s.name === 'ship')?.error?.message).toMatch(/its approval is not signed by the Cairn API/);
    expect(await production()).toBe(versions[2]);
  });
});

describe('workers run only what the API issued (CAIRN_SPEC_SECRET)', () => {
  it('refuses a run started straight in Temporal, and a signed run whose config or starter was changed', async () => {
    const pipeline = registry.pipelines.get('ship')!;
    const { spec, params: compiled } = compile(pipeline, { version: versions[0] });
    const stepOf = async (runId: string) => (await finished(runId)).steps.find((s) => s.name === 'pick');

    // No signature at all: a run a Temporal client started with its own spec.
    const unsigned = await startCompiledRun(env.client, { spec, params: compiled, trigger: 'forged', taskQueue: worker.taskQueue });
    expect((await stepOf(unsigned.runId))?.error).toMatchObject({ type: 'NotPermitted', message: expect.stringContaining('carries no signature') });

    // Signed for an operator, then presented as an admin's run: the signature no longer matches.
    const operator = { principal: 'key:op', role: 'operator' as const };
    const signatures = signSpec(SECRET, spec, operator)!;
    const asAdmin = await env.client.workflow.start('runPipeline', {
      workflowId: `cairn:ship:forged:${Date.now()}`,
      taskQueue: worker.taskQueue,
      args: [{ spec, params: compiled, trigger: 'forged', startedBy: { principal: 'key:op', role: 'admin' }, signatures }],
    });
    expect((await stepOf(asAdmin.workflowId))?.error?.message).toMatch(/does not match the API's signature/);

    // Signed, then the step's config edited (the reproduced privateHostsAllowed-style forgery).
    const edited = { ...spec, steps: spec.steps.map((s) => (s.name === 'pick' ? { ...s, config: { version: versions[1] as number } } : s)) };
    const tampered = await env.client.workflow.start('runPipeline', {
      workflowId: `cairn:ship:tampered:${Date.now()}`,
      taskQueue: worker.taskQueue,
      args: [{ spec: edited, params: compiled, trigger: 'forged', startedBy: operator, signatures }],
    });
    expect((await stepOf(tampered.workflowId))?.error?.message).toMatch(/does not match the API's signature/);

    // The same spec, signed by whoever holds the secret, runs.
    const signed = await startCompiledRun(env.client, { spec, params: compiled, trigger: 'signed', taskQueue: worker.taskQueue, startedBy: { principal: 'test', role: 'admin' }, specSecret: SECRET });
    expect((await finished(signed.runId)).status).toBe('succeeded');
  });

  it('records the starter in the Temporal memo, readable without a worker', async () => {
    const runId = await start('admin', 'ship-canary', versions[0]!);
    const description = await env.client.workflow.getHandle(runId).describe();
    expect(description.memo?.cairnStartedBy).toEqual({ principal: expect.stringMatching(/^key:/), role: 'admin' });
  });
});
