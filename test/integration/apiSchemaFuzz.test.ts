/**
 * A fuzzer built from the API's own published contract: it reads the served OpenAPI document and
 * makes requests from each operation's parameter and body schemas (mostly valid, so they reach the
 * handlers; with the schemas' boundary integers, int4 and double edges; now and then a wrong kind),
 * with an admin key, part of them over a real socket. Promised (README, HTTP API): no answer is a
 * 5xx, every refusal has the one error shape, and the reproduced overflows are 4xx.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createActivities } from '../../activities';
import { parseEnvApiKeys } from '../../lib/auth/apiKeys';
import { definePipeline, defineRegistry, onEvent } from '../../lib/dsl';
import { freePort } from '../../lib/freePort';
import { type createApp } from '../../server/app';
import { startApiServer, type RunningApi } from '../../server/serve';
import { appOnWorker } from '../helpers/appOnWorker';
import { registerPenguins } from '../helpers/penguinsModel';
import { openTestStore, type TestStore } from '../helpers/postgres';
import { arbitraryFor, type JsonSchema } from '../helpers/schemaArbitrary';
import { testServices } from '../helpers/sources';
import { connectTestEnv, startTestWorker, type RunningWorker } from '../helpers/temporal';

const ADMIN = 'admin-key-for-the-fuzzer-0123';
// A param no generated input can satisfy, so no request can start a run of it.
const TOKEN = 'f'.repeat(40);
const registry = defineRegistry({
  pipelines: [
    definePipeline({
      id: 'fuzz-target',
      params: z.object({ token: z.literal(TOKEN) }),
      steps: { a: { activity: 'noop' } },
      triggers: [onEvent('fuzz-event', { params: (payload) => ({ token: String((payload as { token?: unknown })?.token) }) })],
    }),
  ],
});

type Operation = { method: string; path: string; parameters: { name: string; in: 'path' | 'query'; schema: JsonSchema }[]; body?: JsonSchema };

let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let testStore: TestStore;
let app: ReturnType<typeof createApp>;
let api: RunningApi;
let operations: Operation[];

beforeAll(async () => {
  env = await connectTestEnv();
  testStore = await openTestStore();
  const { store, artifacts } = testStore;
  // A real model, so model routes reach the registry's rows, not only "no such model".
  await registerPenguins(store.pool, artifacts, 1e-3, 'cairn:fuzz:setup');
  worker = await startTestWorker(env, createActivities(registry, testServices({ artifacts, store })));
  app = appOnWorker(env, registry, testStore, worker, { envApiKeys: parseEnvApiKeys(`admin:${ADMIN}`), rateLimitPerMinute: 1_000_000, predictInstancesPerMinute: 1_000_000_000 });
  api = await startApiServer(app, '127.0.0.1', await freePort());
  const document = (await (await app.request('/api/v1/openapi.json', { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as {
    paths: Record<string, Record<string, { parameters?: Operation['parameters']; requestBody?: { content: { 'application/json': { schema: JsonSchema } } } }>>;
  };
  operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      parameters: operation.parameters ?? [],
      ...(operation.requestBody ? { body: operation.requestBody.content['application/json'].schema } : {}),
    })),
  );
}, 120_000);
afterAll(async () => {
  await api?.close();
  await worker?.stop();
  await testStore?.close();
  await env?.teardown();
});

/** One request made from an operation's schemas: its path, query and JSON body. */
function requestFor(operation: Operation): fc.Arbitrary<{ url: string; method: string; body?: string }> {
  const pathParams = operation.parameters.filter((p) => p.in === 'path');
  const queryParams = operation.parameters.filter((p) => p.in === 'query');
  return fc
    .record({
      path: fc.tuple(...pathParams.map((p) => arbitraryFor(p.schema))),
      query: fc.tuple(...queryParams.map((p) => fc.option(arbitraryFor(p.schema), { nil: undefined }))),
      body: operation.body ? arbitraryFor(operation.body) : fc.constant(undefined),
    })
    .map(({ path, query, body }) => {
      let index = 0;
      const url = operation.path.replace(/\{(\w+)\}/g, () => encodeURIComponent(String(path[index++])));
      const search = new URLSearchParams();
      queryParams.forEach((p, i) => {
        if (query[i] !== undefined) search.set(p.name, String(query[i]));
      });
      return { url: `${url}${search.size ? `?${search}` : ''}`, method: operation.method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) };
    });
}

async function send(request: { url: string; method: string; body?: string }, overSocket: boolean): Promise<Response> {
  const init = { method: request.method, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, ...(request.body === undefined ? {} : { body: request.body }) };
  return overSocket ? fetch(`${api.url}${request.url}`, init) : app.request(request.url, init);
}

async function checkAnswer(response: Response, request: { url: string; method: string; body?: string }) {
  const shown = `${request.method} ${request.url} ${request.body?.slice(0, 200) ?? ''}`;
  expect(response.status, shown).toBeLessThan(500);
  if (response.status >= 400) {
    const payload = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
    expect(typeof payload.error?.code, shown).toBe('string');
    expect(typeof payload.error?.message, shown).toBe('string');
  } else {
    await response.arrayBuffer();
  }
}

const fuzzed = () => operations.filter((o) => o.path !== '/api/v1/schedules/sync' && o.path !== '/readyz');

describe('fuzzing from the OpenAPI document', () => {
  it('reads every operation with its schemas from the served document', () => {
    expect(operations.length).toBeGreaterThanOrEqual(38);
    expect(operations.find((o) => o.path === '/api/v1/models/{name}/versions/{version}')?.parameters.find((p) => p.name === 'version')?.schema).toMatchObject({ type: 'integer', maximum: 2147483647 });
  });

  it('answers 2,500 schema-built requests in process and 400 over a socket without a 5xx, each refusal in the error shape', async () => {
    const statuses = new Map<number, number>();
    const run = async (numRuns: number, overSocket: boolean, seed: number) =>
      fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...fuzzed()).chain((operation) => requestFor(operation)),
          async (request) => {
            const response = await send(request, overSocket);
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            await checkAnswer(response, request);
          },
        ),
        { numRuns, seed },
      );
    await run(2_500, false, 20261202);
    await run(400, true, 20261203);
    // Requests got past validation into the handlers (200s, 404s of real lookups), not only 400/422.
    expect([...statuses.keys()]).toEqual(expect.arrayContaining([200, 404, 422]));
    expect(await env.client.workflow.count(`WorkflowType = 'runPipeline' AND CairnPipeline = 'fuzz-target'`)).toMatchObject({ count: 0 });
  }, 600_000);

  it('answers the reproduced overflows with a 4xx, not a 500', async () => {
    const cases = [
      { url: '/api/v1/models/penguins/versions/9007199254740990', method: 'GET' },
      { url: '/api/v1/models/penguins/aliases/a', method: 'PUT', body: '{"version":9007199254740990}' },
      { url: '/api/v1/models/penguins/predict?version=9007199254740990', method: 'POST', body: '{"instance":{}}' },
      { url: '/api/v1/models/penguins/versions/2147483648', method: 'GET' },
      { url: '/api/v1/runs/0/rerun', method: 'POST', body: '{"fromStep":"A"}' },
    ];
    for (const request of cases) {
      for (const overSocket of [false, true]) {
        const response = await send(request, overSocket);
        expect(response.status, `${request.method} ${request.url}`).toBeGreaterThanOrEqual(400);
        await checkAnswer(response, request);
      }
    }
  });
});
