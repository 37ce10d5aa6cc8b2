import { Hono, type Context } from 'hono';
import { cors } from 'hono/cors';
import { secureHeaders } from 'hono/secure-headers';
import { type z } from 'zod';
import { describeIssues } from '../lib/dsl/compile';
import { DEFAULT_SECURITY, type AppDeps } from './deps';
import { withTimeout } from '../lib/faults/withTimeout';
import { dependencyUnavailable, errorBody, handleError, HttpError, storeUnavailable } from './httpErrors';
import { openApiDocument, OpenApiDocumentSchema } from './openapi';
import { defineRoute, type RouteDef } from './routeDef';
import { aliasRoutes } from './routes/aliases';
import { driftRoutes } from './routes/drift';
import { canaryRoutes } from './routes/canary';
import { datasetRoutes } from './routes/datasets';
import { stepCacheRoutes } from './routes/stepCache';
import { experimentRoutes } from './routes/experiments';
import { eventRoutes } from './routes/events';
import { healthRoutes } from './routes/health';
import { keyRoutes } from './routes/keys';
import { metricsRoutes } from './routes/metrics';
import { modelRoutes } from './routes/models';
import { pipelineRoutes } from './routes/pipelines';
import { runRoutes } from './routes/runs';
import { scheduleRoutes } from './routes/schedules';
import { servingRoutes } from './routes/serving';
import { pageRoutes } from './pages/pageRoutes';
import { httpInstrumentationMiddleware } from '@hono/otel';
import { currentTracing } from '../lib/tracing/tracing';
import { KeyRing } from './security/keyRing';
import { authorize, rateLimit, requestLog, type AppEnv } from './security/middleware';
import { RateLimiter } from './security/rateLimiter';
import { requestIds } from './security/requestIds';
import { jsonBody } from './validate';
import { verifyResponse } from './verifyResponses';

export const API_VERSION = '0.1.0';

/** Every route of the API, one list per resource (one file each); the app, the OpenAPI document and `AppType` all come from these. */
export function apiResources(deps: AppDeps, keyRing: KeyRing, metricsOpen = false) {
  let document: ReturnType<typeof openApiDocument> | undefined; // built on first request, from the full list
  let everyRoute: RouteDef[] = [];
  const resources = [
    healthRoutes(deps),
    pipelineRoutes(deps),
    runRoutes(deps),
    scheduleRoutes(deps),
    eventRoutes(deps),
    datasetRoutes(deps),
    stepCacheRoutes(deps),
    experimentRoutes(deps),
    modelRoutes(deps),
    servingRoutes(deps),
    aliasRoutes(deps),
    driftRoutes(deps),
    canaryRoutes(deps),
    keyRoutes(deps, keyRing),
    metricsRoutes(deps, metricsOpen),
    [
      defineRoute({
        method: 'GET',
        path: '/api/v1/openapi.json',
        access: 'viewer',
        summary: 'This document',
        response: OpenApiDocumentSchema,
        responses: { 200: 'the OpenAPI 3.1 document' },
        handler: (c) => c.json((document ??= openApiDocument(everyRoute, API_VERSION))),
      }),
    ] as const,
  ] as const;
  everyRoute = resources.flat();
  return resources;
}

/** Every route, as one list. */
export function apiRoutes(deps: AppDeps, keyRing: KeyRing, metricsOpen = false): RouteDef[] {
  return apiResources(deps, keyRing, metricsOpen).flat();
}

/** Each route with its own types: what `AppType` (and so the typed client) is derived from. */
export type ApiRoute = ReturnType<typeof apiResources>[number][number];

/** Validates path params (400), query (422) and body (400/422) with the route's schemas, then calls it. */
async function callRoute(route: RouteDef, c: Context, deps: AppDeps, security: { temporalTimeoutMs: number; maxBodyBytes: number }): Promise<Response> {
  const check = <S extends z.ZodType | undefined>(schema: S, raw: unknown, status: 400 | 422, code: string) => {
    if (!schema) return undefined;
    const parsed = schema.safeParse(raw);
    if (!parsed.success) throw new HttpError(status, code, `invalid ${code.replace('invalid_', '')}`, describeIssues(parsed.error));
    return parsed.data;
  };
  const input = {
    params: check(route.params, c.req.param(), 400, 'invalid_path'),
    query: check(route.query, c.req.query(), 422, 'invalid_query'),
    body: route.body ? await jsonBody(c, route.body, security.maxBodyBytes) : undefined,
  };
  // Every answer has a deadline, so a dependency that hangs (a frozen database, a Temporal channel
  // reconnecting past gRPC's own deadline) gives a 503 naming it, never a hung request.
  const deadlineMs = security.temporalTimeoutMs;
  // Routes that never call Temporal (serving) skip the Temporal deadline's AsyncLocalStorage context: it costs on the hot path.
  const work =
    route.callsTemporal === false
      ? Promise.resolve(route.handler(c, input as never))
      : deps.client.connection.withDeadline(Date.now() + deadlineMs, async () => route.handler(c, input as never));
  const late = `no answer within ${deadlineMs} ms`;
  return withTimeout(work, deadlineMs + 250, 'the request', () =>
    route.callsTemporal === false ? storeUnavailable(late) : dependencyUnavailable('temporal', `Temporal did not answer: ${late}`),
  );
}

export interface AppOptions {
  /** For tests: check every success answer against its route's declared response, collecting the routes checked here. */
  verifyResponses?: Set<string>;
}

/** The HTTP API. */
export function createApp(deps: AppDeps, options: AppOptions = {}) {
  const security = { ...DEFAULT_SECURITY, ...deps.security };
  const keyRing = new KeyRing(security.envApiKeys, deps.store ?? undefined, { staleMs: security.staleKeysMs });
  const limiter = new RateLimiter(security.rateLimitPerMinute);
  const app = new Hono<AppEnv>();

  // With tracing on, each request is a span (continuing a caller's traceparent); runs it starts carry it on.
  const tracing = currentTracing();
  if (tracing) app.use(httpInstrumentationMiddleware({ tracer: tracing.tracer }));
  app.use(requestIds());
  app.use(requestLog());
  app.use(secureHeaders());
  if (security.corsOrigins.length > 0) {
    app.use('*', cors({ origin: security.corsOrigins, allowHeaders: ['authorization', 'content-type', 'x-api-key'], exposeHeaders: ['x-request-id', 'x-correlation-id'] }));
  }
  // The body-size limit is applied where bodies are read (jsonBody), for chunked bodies too; no route reads one otherwise.
  // One router per resource, mounted on the app; each route's path is written out in full where it is defined.
  const resources = apiResources(deps, keyRing, security.metricsOpen);
  for (const resource of resources) {
    const router = new Hono<AppEnv>();
    for (const route of resource as readonly RouteDef[]) {
      const verified = options.verifyResponses;
      router.on(route.method, route.path, authorize(route.access, keyRing), ...(route.rateLimited ? [rateLimit(limiter)] : []), async (c) =>
        verified ? verifyResponse(route, await callRoute(route, c, deps, security), verified) : callRoute(route, c, deps, security),
      );
    }
    app.route('/', router);
  }
  // The web pages: a client of the routes above, in process (server/pages).
  app.route('/', pageRoutes(app, resources.flat(), keyRing, security.maxBodyBytes));
  app.notFound((c) => c.json(errorBody('not_found', `no route ${c.req.method} ${c.req.path}`), 404));
  app.onError(handleError);
  return app;
}

export type App = ReturnType<typeof createApp>;
