import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createActivities } from '../../activities';
import { cron, definePipeline, defineRegistry, onEvent } from '../../lib/dsl';
import { type Store } from '../../lib/store/openStore';
import { apiRoutes, createApp } from '../../server/app';
import type { AppDeps } from '../../server/deps';
import { KeyRing } from '../../server/security/keyRing';
import { openTestStore, type TestStore } from '../helpers/postgres';
import { testSources } from '../helpers/sources';
import { connectTestEnv, startTestWorker, type RunningWorker } from '../helpers/temporal';
import { appDeps } from '../helpers/appDeps';
import { scratchServices } from '../../lib/services';

// A param no random input can satisfy, so no fuzzed request can legitimately start a run.
const SECRET = 'f'.repeat(40);
const registry = defineRegistry({
  pipelines: [
    definePipeline({
      id: 'fuzz-target',
      params: z.object({ token: z.literal(SECRET) }),
      steps: { a: { activity: 'noop' } },
      triggers: [onEvent('fuzz-event', { params: (payload) => ({ token: String((payload as { token?: unknown })?.token) }) }), cron('0 3 * * *', { name: 'nightly', params: { token: SECRET } })],
    }),
  ],
});

let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let testStore: TestStore;
let store: Store;
let deps: AppDeps;

beforeAll(async () => {
  env = await connectTestEnv();
  worker = await startTestWorker(env, createActivities(registry, scratchServices(undefined, testSources())));
  testStore = await openTestStore();
  store = testStore.store;
  deps = appDeps({ client: env.client, registry, store, artifacts: scratchServices(undefined, testSources()).artifacts, taskQueue: worker.taskQueue, security: { rateLimitPerMinute: 1_000_000 } });
});
afterAll(async () => {
  await worker?.stop();
  await testStore?.close();
  await env?.teardown();
});

const nasty = fc.constantFrom(
  '../../etc/passwd', '..%2F..%2Fetc%2Fpasswd', '%2e%2e%2f', 'a%2Fb', "' OR '1'='1", "'; DROP TABLE api_keys; --", '%00', 'NaN', '-1',
  'cairn:fuzz-target:api:%2F..', '\u202e', 'x'.repeat(300), '%', '%ZZ', '{}', 'null', 'cairn:fuzz-target:nightly',
);
const segment = fc.oneof(nasty, fc.string({ maxLength: 30 }).map(encodeURIComponent), fc.stringMatching(/^[a-z0-9:._-]{1,40}$/));

/** JSON-ish bodies, mostly wrong: bad JSON, wrong types, deep nesting, huge, NaN/Infinity, extra keys. */
const body = fc.oneof(
  fc.constantFrom('', '{', '{"params": ', '[]', 'null', '"text"', '{"params": NaN}', '{"a": Infinity}', '{"params": {"token": 1e400}}', '\u0000', '{"__proto__": {"admin": true}}'),
  fc.json({ maxDepth: 4 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify({ params: v, trigger: v, key: v, id: v, payload: v, reason: v, fromStep: v, role: v, name: v, start: v, end: v, unexpected: v })),
  fc.integer({ min: 50, max: 400 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
  fc.integer({ min: 1, max: 3 }).map((mib) => JSON.stringify({ params: { token: 'x'.repeat(mib * 1024 * 1024) } })),
);

async function storedState() {
  const runs = await env.client.workflow.count(`WorkflowType = 'runPipeline' AND CairnPipeline = 'fuzz-target'`);
  const schedules: string[] = [];
  for await (const schedule of env.client.schedule.list()) if (schedule.scheduleId.startsWith('cairn:fuzz-target')) schedules.push(schedule.scheduleId);
  const keys = await store.pool.query('SELECT count(*)::int AS n FROM api_keys');
  return { runs: runs.count, schedules, keys: keys.rows[0].n as number };
}

describe('fuzzing every route with malformed requests', () => {
  it('answers 10,000 random requests without a 5xx, a crash, or a change to stored data', async () => {
    const app = createApp(deps);
    const routes = apiRoutes(deps, new KeyRing([], undefined)).filter((r) => r.path !== '/api/v1/schedules/sync' && r.path !== '/readyz');
    const before = await storedState();
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), fc.array(segment, { minLength: 3, maxLength: 3 }), body, fc.boolean(), fc.string({ maxLength: 40 }), async (route, values, text, mangleMethod, query) => {
        let index = 0;
        const path = route.path.replace(/:(\w+)/g, () => values[index++ % values.length] as string);
        const method = mangleMethod && route.method === 'POST' ? 'PUT' : route.method;
        const response = await app.request(`${path}?${encodeURIComponent(query)}=${values[0]}`, {
          method,
          headers: { 'content-type': 'application/json' },
          ...(method === 'GET' || method === 'DELETE' ? {} : { body: text }),
        });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(response.status, `${method} ${path}`).toBeLessThan(500);
        if (response.status >= 400) {
          // Every refusal has the one error shape (successful answers may be JSON or, for /metrics, text).
          const payload = (await response.json()) as { error?: { code: string; message: string } };
          expect(typeof payload.error?.message).toBe('string');
        } else {
          await response.arrayBuffer();
        }
      }),
      { numRuns: 10_000, seed: 20261127 },
    );
    expect(await storedState()).toEqual(before);
    // The run exercised more than the router's 404: validation, auth-free handlers and Temporal lookups answered too.
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([200, 400, 404, 422]));
  }, 600_000);
});
