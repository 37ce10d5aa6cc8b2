import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseEnvApiKeys, type ApiRole } from '../../lib/auth/apiKeys';
import { definePipeline, defineRegistry } from '../../lib/dsl';
import { type Store } from '../../lib/store/openStore';
import { apiRoutes, createApp } from '../../server/app';
import type { AppDeps } from '../../server/deps';
import { KeyRing } from '../../server/security/keyRing';
import { startApiServer } from '../../server/serve';
import { freePort } from '../../lib/freePort';
import { openTestStore, type TestStore } from '../helpers/postgres';
import { connectTestEnv, uniqueQueue } from '../helpers/temporal';
import { appDeps } from '../helpers/appDeps';

const KEYS = { viewer: 'viewer-key-0123456789', operator: 'operator-key-0123456789', admin: 'admin-key-0123456789' } as const;
const registry = defineRegistry({
  pipelines: [definePipeline({ id: 'secure-p', params: z.object({ token: z.string().length(40) }), steps: { a: { activity: 'noop' } } })],
});

let env: TestWorkflowEnvironment;
let testStore: TestStore;
let store: Store;
let deps: AppDeps;

beforeAll(async () => {
  env = await connectTestEnv();
  testStore = await openTestStore();
  store = testStore.store;
  deps = appDeps({
    client: env.client,
    registry,
    store,
    taskQueue: uniqueQueue('secure'),
    security: { envApiKeys: parseEnvApiKeys(Object.entries(KEYS).map(([role, key]) => `${role}:${key}`).join(',')) },
  });
});
afterAll(async () => {
  await testStore?.close();
  await env?.teardown();
});

/** A concrete URL for a route path, with valid-looking but non-existent ids. */
function concrete(path: string): string {
  if (path.includes(":sha256")) return path.replace(":sha256", "a".repeat(64));
  const values: Record<string, string> = {
    runId: 'cairn:none:test:x',
    step: 'a',
    scheduleId: 'cairn:nope:none',
    name: 'no-such-event',
    pipeline: "secure-p",
    version: "1",
    id: path.startsWith('/api/v1/keys') ? '0123456789abcdef' : 'secure-p',
  };
  return path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(values[name] ?? 'x'));
}

/**
 * Who may call what, written out from the README's API table (not derived from the code under test):
 * the minimum role per route. Roles rank viewer < operator < admin; public needs no key.
 */
const ROLE_TABLE: [string, 'public' | ApiRole][] = [
  ['GET /healthz', 'public'],
  ['GET /readyz', 'public'],
  ['GET /api/v1/pipelines', 'viewer'],
  ['GET /api/v1/pipelines/:id', 'viewer'],
  ['POST /api/v1/pipelines/:id/runs', 'operator'],
  ['GET /api/v1/runs', 'viewer'],
  ['GET /api/v1/runs/:runId', 'viewer'],
  ['GET /api/v1/runs/:runId/timeline', 'viewer'],
  ['GET /api/v1/runs/:runId/artifacts', 'viewer'],
  ['GET /api/v1/runs/:runId/logs', 'viewer'],
  ['GET /api/v1/runs/:runId/steps/:step/logs', 'viewer'],
  ['GET /api/v1/runs/:runId/notifications', 'viewer'],
  ['POST /api/v1/runs/:runId/steps/:step/retry', 'operator'],
  ['POST /api/v1/runs/:runId/steps/:step/skip', 'operator'],
  ['POST /api/v1/runs/:runId/steps/:step/approve', 'admin'],
  ['POST /api/v1/runs/:runId/steps/:step/reject', 'admin'],
  ['POST /api/v1/runs/:runId/abort', 'operator'],
  ['POST /api/v1/runs/:runId/cancel', 'operator'],
  ['POST /api/v1/runs/:runId/rerun', 'operator'],
  ['GET /api/v1/schedules', 'viewer'],
  ['POST /api/v1/schedules/sync', 'operator'],
  ['GET /api/v1/schedules/next/:pipeline', 'viewer'],
  ['POST /api/v1/schedules/:scheduleId/pause', 'operator'],
  ['POST /api/v1/schedules/:scheduleId/unpause', 'operator'],
  ['POST /api/v1/schedules/:scheduleId/trigger', 'operator'],
  ['POST /api/v1/schedules/:scheduleId/backfill', 'operator'],
  ['POST /api/v1/events/:name', 'operator'],
  ['GET /api/v1/datasets/:sha256/profile', 'viewer'],
  ['GET /api/v1/datasets/:sha256/card', 'viewer'],
  ['GET /api/v1/cache', 'viewer'],
  ['DELETE /api/v1/cache', 'operator'],
  ['GET /api/v1/experiments', 'viewer'],
  ['GET /api/v1/experiments/:id', 'viewer'],
  ['GET /api/v1/experiments/:id/compare/:other', 'viewer'],
  ['GET /api/v1/models', 'viewer'],
  ['GET /api/v1/models/:name/versions', 'viewer'],
  ['GET /api/v1/models/:name/versions/:version', 'viewer'],
  ['GET /api/v1/models/:name/versions/:version/card', 'viewer'],
  ['POST /api/v1/models/:name/predict', 'viewer'],
  ['POST /api/v1/models/:name/feedback', 'operator'],
  ['PUT /api/v1/models/:name/aliases/:alias', 'admin'],
  ['GET /api/v1/models/:name/aliases/:alias/history', 'viewer'],
  ['POST /api/v1/models/:name/aliases/:alias/rollback', 'admin'],
  ['GET /api/v1/models/:name/drift', 'viewer'],
  ['GET /api/v1/models/:name/traffic', 'viewer'],
  ['GET /api/v1/models/:name/canary', 'viewer'],
  ['GET /api/v1/models/:name/shadow', 'viewer'],
  ['GET /api/v1/keys', 'admin'],
  ['POST /api/v1/keys', 'admin'],
  ['DELETE /api/v1/keys/:id', 'admin'],
  ['GET /metrics', 'viewer'],
  ['GET /api/v1/openapi.json', 'viewer'],
];
const RANK: Record<ApiRole, number> = { viewer: 1, operator: 2, admin: 3 };
const minimumRole = new Map(ROLE_TABLE);

describe('the auth matrix, over every route the app registers', () => {
  it('has a definition (and so an access rule) for every registered route, and no definition left unregistered', () => {
    const app = createApp(deps);
    // The web pages (/ and /ui/...) are a client of these routes; their own access matrix is in pages.test.ts.
    const isPage = (path: string) => path === '/' || path === '/ui' || path.startsWith('/ui/');
    const registered = new Set(app.routes.filter((r) => r.method !== 'ALL' && !isPage(r.path)).map((r) => `${r.method} ${r.path}`));
    const defined = new Set(apiRoutes(deps, new KeyRing([], undefined)).map((r) => `${r.method} ${r.path}`));
    expect([...registered].sort()).toEqual([...defined].sort());
  });

  it('answers 401 without or with a wrong key, 403 for a role too low, and lets enough roles through', async () => {
    const app = createApp(deps);
    const routes = apiRoutes(deps, new KeyRing([], undefined));
    const callers: [string, string | undefined, ApiRole | undefined][] = [
      ['no key', undefined, undefined],
      ['wrong key', 'not-a-key-0123456789', undefined],
      ...(Object.entries(KEYS) as [ApiRole, string][]).map(([role, key]): [string, string, ApiRole] => [role, key, role]),
    ];
    const failures: string[] = [];
    for (const route of routes) {
      for (const [caller, key, role] of callers) {
        const response = await app.request(concrete(route.path), {
          method: route.method,
          headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
          ...(route.method === 'POST' ? { body: '{}' } : {}),
        });
        const needed = minimumRole.get(`${route.method} ${route.path}`);
        if (!needed) {
          failures.push(`${route.method} ${route.path} is not in the README's role table`);
          break;
        }
        const expected = needed === 'public' ? 'allowed' : !role ? 401 : RANK[role] >= RANK[needed] ? 'allowed' : 403;
        const ok = expected === 'allowed' ? ![401, 403].includes(response.status) && response.status < 500 : response.status === expected;
        if (!ok) failures.push(`${route.method} ${route.path} as ${caller}: ${response.status}, expected ${expected}`);
      }
    }
    expect(failures).toEqual([]);
    expect(ROLE_TABLE.map(([route]) => route).sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('accepts a key as X-API-Key too, and keys created through the API until revoked', async () => {
    const app = createApp(deps);
    expect((await app.request('/api/v1/pipelines', { headers: { 'x-api-key': KEYS.viewer } })).status).toBe(200);
    const created = await app.request('/api/v1/keys', {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'operator', name: 'ci pipeline' }),
    });
    expect(created.status).toBe(201);
    const { id, key } = (await created.json()) as { id: string; key: string };
    expect(key).toMatch(/^cairn_/);
    const stored = await store.pool.query('SELECT key_sha256 FROM api_keys WHERE id = $1', [id]);
    expect(stored.rows[0].key_sha256).not.toContain(key); // only a hash is kept
    expect((await app.request('/api/v1/runs', { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    const listed = (await (await app.request('/api/v1/keys', { headers: { authorization: `Bearer ${KEYS.admin}` } })).json()) as { keys: object[] };
    expect(JSON.stringify(listed)).not.toContain(key);
    expect((await app.request(`/api/v1/keys/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${KEYS.admin}` } })).status).toBe(200);
    expect((await app.request('/api/v1/runs', { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
  });
});

// Revoking the last admin key while other keys remained locked a deployment out of every admin
// route (keys, aliases, approvals) until someone edited its environment: the API refuses that, and
// two admins revoking each other at once (separate connections, raced for real) cannot both succeed.
describe('the last admin key', () => {
  it('stays while other keys remain, unless CAIRN_API_KEYS holds an admin key', async () => {
    const own = await openTestStore();
    try {
      const app = createApp(appDeps({ client: env.client, registry, store: own.store, taskQueue: uniqueQueue('keys'), security: { envApiKeys: [] } }));
      const keys = async (method: string, path: string, key?: string, body?: unknown) => {
        const response = await app.request(path, { method, headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
        return { status: response.status, body: (await response.json()) as { id: string; key: string; error?: { code: string; message: string } } };
      };
      const first = await keys('POST', '/api/v1/keys', undefined, { role: 'admin', name: 'first' }); // the first key needs none
      expect(first.status).toBe(201);
      const operator = await keys('POST', '/api/v1/keys', first.body.key, { role: 'operator', name: 'ci' });
      const refused = await keys('DELETE', `/api/v1/keys/${first.body.id}`, first.body.key);
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ code: 'last_admin_key', message: expect.stringContaining(`'${first.body.id}' is the last admin key and other keys remain`) });
      expect((await keys('GET', '/api/v1/keys', first.body.key)).status).toBe(200);

      const second = await keys('POST', '/api/v1/keys', first.body.key, { role: 'admin', name: 'second' });
      const raced = await Promise.all([keys('DELETE', `/api/v1/keys/${second.body.id}`, first.body.key), keys('DELETE', `/api/v1/keys/${first.body.id}`, second.body.key)]);
      // One wins; the other is refused as the last admin (409), or, when the winner's revocation came
      // first, its own key is no longer accepted (401). Either way one admin key is left.
      expect(raced.filter((r) => r.status === 200)).toHaveLength(1);
      expect([401, 409]).toContain(raced.find((r) => r.status !== 200)?.status);
      const admins = await own.store.pool.query("SELECT count(*)::int AS n FROM api_keys WHERE role = 'admin' AND revoked_at IS NULL");
      expect(admins.rows[0].n).toBe(1);
      const survivor = raced[0]?.status === 200 ? first.body.key : second.body.key;
      expect((await keys('GET', '/api/v1/keys', survivor)).status).toBe(200);

      // The last key of all may go: the API then has none, as before the first was created.
      expect((await keys('DELETE', `/api/v1/keys/${operator.body.id}`, survivor)).status).toBe(200);
      const survivorId = raced[0]?.status === 200 ? first.body.id : second.body.id;
      expect((await keys('DELETE', `/api/v1/keys/${survivorId}`, survivor)).status).toBe(200);

      // With an admin key in the environment, a stored admin key is just a key.
      const withEnvAdmin = createApp(appDeps({ client: env.client, registry, store: own.store, taskQueue: uniqueQueue('keys'), security: { envApiKeys: parseEnvApiKeys(`admin:${KEYS.admin}`) } }));
      const stored = (await (await withEnvAdmin.request('/api/v1/keys', { method: 'POST', headers: { authorization: `Bearer ${KEYS.admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ role: 'admin', name: 'x' }) })).json()) as { id: string };
      await withEnvAdmin.request('/api/v1/keys', { method: 'POST', headers: { authorization: `Bearer ${KEYS.admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ role: 'viewer', name: 'y' }) });
      expect((await withEnvAdmin.request(`/api/v1/keys/${stored.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${KEYS.admin}` } })).status).toBe(200);
    } finally {
      await own.close();
    }
  });
});

describe('hardening', () => {
  const open = () => createApp(appDeps({ ...deps, security: { maxBodyBytes: 2048, rateLimitPerMinute: 3 } }));

  it('sends a request id and secure headers with every response, and no CORS headers unless configured', async () => {
    const response = await open().request('/api/v1/nowhere', { headers: { origin: 'https://evil.example' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toMatch(/^[\w-]{8,}$/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const withCors = createApp(appDeps({ ...deps, security: { corsOrigins: ['https://dash.example'] } }));
    const preflight = await withCors.request('/api/v1/pipelines', { method: 'OPTIONS', headers: { origin: 'https://dash.example', 'access-control-request-method': 'GET' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://dash.example');
  });

  it('refuses a body over the limit, also when it comes chunked without a length', async () => {
    const app = open();
    const big = JSON.stringify({ params: { token: 'x'.repeat(5000) } });
    const sized = await app.request('/api/v1/pipelines/secure-p/runs', { method: 'POST', body: big, headers: { 'content-type': 'application/json' } });
    expect(sized.status).toBe(413);
    expect(await sized.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(1000)));
        controller.close();
      },
    });
    const chunked = await app.request('/api/v1/pipelines/secure-p/runs', { method: 'POST', body: chunks, headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit);
    expect(chunked.status).toBe(413);
    // Over a real socket the body is read from Node's request directly: the limit holds there too.
    const server = await startApiServer(createApp(appDeps({ ...deps, security: { maxBodyBytes: 2048 } })), '127.0.0.1', await freePort());
    try {
      const overSocket = (chunkedBody: boolean) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const request = httpRequest(`${server.url}/api/v1/pipelines/secure-p/runs`, { method: 'POST', headers: { 'content-type': 'application/json', ...(chunkedBody ? {} : { 'content-length': String(big.length) }) } }, (response) => {
            let body = '';
            response.on('data', (chunk: Buffer) => (body += chunk.toString()));
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
          });
          request.on('error', reject);
          if (chunkedBody) for (let i = 0; i < 10; i++) request.write('x'.repeat(1000));
          else request.write(big);
          request.end();
        });
      for (const chunkedBody of [true, false]) {
        const answer = await overSocket(chunkedBody);
        expect(answer.status).toBe(413);
        expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'payload_too_large' } });
      }
    } finally {
      await server.close();
    }
  });

  it('rate-limits routes that start work, per client, with Retry-After', async () => {
    const app = open();
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const response = await app.request('/api/v1/pipelines/secure-p/runs', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      statuses.push(response.status);
      retryAfter ??= response.headers.get('retry-after');
    }
    expect(statuses).toEqual([422, 422, 422, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect((await app.request('/api/v1/pipelines')).status).toBe(200); // reads are not limited
  });

  // The peer's socket, as @hono/node-server hands it to the app (no test sends traffic off this machine).
  const fromPeer = (remoteAddress: string, headers: Record<string, string> = {}) => ({ headers, env: { incoming: { socket: { remoteAddress } } } });

  it('without keys, answers only this machine: a peer elsewhere gets 401 (the last key revoked on a wide bind fails closed)', async () => {
    const app = open();
    const ask = ({ headers, env }: ReturnType<typeof fromPeer>) => app.request('/api/v1/pipelines', { headers }, env);
    expect((await ask(fromPeer('127.0.0.1'))).status).toBe(200);
    expect((await ask(fromPeer('::1'))).status).toBe(200);
    expect((await ask(fromPeer('::ffff:127.0.0.1'))).status).toBe(200);
    const refused = await ask(fromPeer('10.1.2.3'));
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { message: expect.stringContaining('no API keys exist') } });
    expect((await ask(fromPeer('::ffff:10.1.2.3'))).status).toBe(401);
  });

  it('without keys, rate-limits by the socket address, not a spoofable X-Forwarded-For (over a real socket)', async () => {
    const server = await startApiServer(open(), '127.0.0.1', await freePort());
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const headers = { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${i}` };
        statuses.push((await fetch(`${server.url}/api/v1/pipelines/secure-p/runs`, { method: 'POST', body: '{}', headers })).status);
      }
      expect(statuses).toEqual([422, 422, 422, 429, 429]);
    } finally {
      await server.close();
    }
  });
});

describe('the OpenAPI document', () => {
  it('describes every route, with its schemas, and the README lists every route', async () => {
    const app = createApp(appDeps({ ...deps, security: {} }));
    const document = (await (await app.request('/api/v1/openapi.json')).json()) as { paths: Record<string, Record<string, { requestBody?: unknown; parameters: unknown[] }>> };
    const routes = apiRoutes(deps, new KeyRing([], undefined));
    for (const route of routes) {
      const operation = document.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      if (route.body) expect(operation?.requestBody, `${route.method} ${route.path} body`).toBeDefined();
    }
    // Every operation has a unique operationId and a tag; the document names its server (what typed clients and linters need).
    const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods)) as unknown as { operationId?: string; tags?: string[] }[];
    expect(operations.every((o) => typeof o.operationId === 'string' && (o.tags?.length ?? 0) === 1)).toBe(true);
    expect(new Set(operations.map((o) => o.operationId)).size).toBe(operations.length);
    expect((document as unknown as { servers: unknown[] }).servers).toEqual([{ url: '/', description: expect.any(String) }]);
    const startRun = document.paths['/api/v1/pipelines/{id}/runs']?.post as { requestBody: { content: { 'application/json': { schema: { properties: object } } } } };
    expect(Object.keys(startRun.requestBody.content['application/json'].schema.properties)).toEqual(['params', 'trigger', 'key', 'cache']);
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const missing = routes.map((r) => `${r.method} ${r.path}`).filter((line) => !readme.includes(line));
    expect(missing, 'routes missing from the README API reference').toEqual([]);
  });
});
