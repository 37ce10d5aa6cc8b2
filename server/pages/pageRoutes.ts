import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, setCookie } from 'hono/cookie';
import { every } from 'hono/combine';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HttpError, toHttpError } from '../httpErrors';
import type { RouteDef } from '../routeDef';
import type { KeyRing } from '../security/keyRing';
import { authorize, PAGE_KEY_COOKIE, type AppEnv } from '../security/middleware';
import { LIVE_SCRIPT } from './assets/liveScript';
import { STYLES } from './assets/styles';
import type { Html } from './layout';
import { accessOf, accessTable, answerOf, inProcessApi, pageContext, type Fetcher, type PageContext } from './pageContext';
import { datasetPage } from './views/datasetPage';
import { driftPage } from './views/driftPage';
import { modelPage, modelsPage } from './views/modelsPages';
import { pipelinePage, pipelinesPage } from './views/pipelinesPages';
import { runContent, runPage } from './views/runPage';
import { runsPage, type RunsFilter } from './views/runsPage';
import { errorPage, loginPage } from './views/statusPages';

/** Pages only draw what the API answers: their own CSP allows nothing from elsewhere, and no inline script or style. */
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
/** How long the sign-in cookie lasts: a working day. */
const SIGN_IN_SECONDS = 12 * 3600;
const STEP_DECISIONS = ['retry', 'skip', 'approve', 'reject'] as const;

/** Where a sign-in may send the browser afterwards: only back to a page of this site. */
const safeNext = (next: unknown) => (typeof next === 'string' && /^\/ui\/[\w\-/%.:?=&]*$/.test(next) && !next.startsWith('//') ? next : '/ui/runs');

/**
 * Cairn's web pages, served by the API process: HTML rendered on the server from the API's own
 * answers (charts and graphs as SVG), one small script for live run pages, no CDN. Same keys and
 * roles as the API: a page needs a viewer's key (a bearer header, or the sign-in cookie), and each
 * action needs the role of the API route it calls.
 */
export function pageRoutes(app: Fetcher, routes: readonly RouteDef[], keyRing: KeyRing, maxBodyBytes: number) {
  const pages = new Hono<AppEnv>();
  const access = accessTable(routes);
  const viewer = authorize('viewer', keyRing, { acceptCookie: true });
  const respond = async (c: Context<AppEnv>, render: (ctx: PageContext) => Promise<Html>) => {
    c.header('content-security-policy', CONTENT_SECURITY_POLICY);
    c.header('cache-control', 'no-store');
    return c.html(await render(pageContext(c, app, access)));
  };
  // A form must come from this site (Origin or Sec-Fetch-Site) and be small.
  const form = every(csrf(), bodyLimit({ maxSize: maxBodyBytes, onError: () => { throw new HttpError(413, 'payload_too_large', `the form is over ${maxBodyBytes} bytes`); } }));
  const reasonIn = (reason: unknown) => (typeof reason === 'string' && reason.trim() !== '' ? { reason: reason.trim().slice(0, 500) } : {});
  const reasonOf = async (c: Context<AppEnv>) => reasonIn((await c.req.parseBody()).reason);
  /** A step decision's form: the reason, and the map item it is about (a whole number) when it names one. */
  const decisionOf = async (c: Context<AppEnv>) => {
    const { reason, item } = await c.req.parseBody();
    if (item === undefined || item === '') return reasonIn(reason);
    if (typeof item !== 'string' || !/^\d{1,9}$/.test(item)) throw new HttpError(422, 'invalid_body', 'item: the index of a map item, a whole number');
    return { ...reasonIn(reason), item: Number(item) };
  };

  pages.get('/', (c) => c.redirect('/ui/runs'));
  pages.get('/ui', (c) => c.redirect('/ui/runs'));
  pages.get('/ui/assets/cairn.css', (c) => c.body(STYLES, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=300' }));
  pages.get('/ui/assets/live.js', (c) => c.body(LIVE_SCRIPT, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=300' }));

  pages.get('/ui/login', (c) => c.html(loginPage({ next: safeNext(c.req.query('next')) })));
  pages.post('/ui/login', form, async (c) => {
    const body = await c.req.parseBody();
    const key = typeof body.key === 'string' ? body.key.trim() : '';
    const next = safeNext(body.next);
    // The key is checked the way every API request checks it: by asking the API with it.
    const probe = await inProcessApi(app, c, key).api.v1['openapi.json'].$get();
    const status: number = probe.status; // typed as the route's success status; any status can come back
    if (status === 401 || key === '') return c.html(loginPage({ next, problem: 'That key is not recognised.' }), 401);
    if (!probe.ok) throw new HttpError(status as ContentfulStatusCode, 'unavailable', 'the key cannot be checked now (the metadata store did not answer); try again shortly');
    setCookie(c, PAGE_KEY_COOKIE, key, { httpOnly: true, sameSite: 'Strict', path: '/', secure: new URL(c.req.url).protocol === 'https:', maxAge: SIGN_IN_SECONDS });
    return c.redirect(next, 303);
  });
  pages.post('/ui/logout', form, (c) => {
    deleteCookie(c, PAGE_KEY_COOKIE, { path: '/' });
    return c.redirect('/ui/login', 303);
  });

  pages.get('/ui/runs', viewer, (c) => respond(c, (ctx) => runsPage(ctx, c.req.query() as RunsFilter)));
  pages.get('/ui/runs/:runId', viewer, (c) => respond(c, (ctx) => runPage(ctx, c.req.param('runId'))));
  pages.get('/ui/runs/:runId/live', viewer, async (c) => {
    const { body, final } = await runContent(pageContext(c, app, access), c.req.param('runId'));
    c.header('x-cairn-final', String(final));
    c.header('cache-control', 'no-store');
    return c.html(body);
  });
  pages.get('/ui/pipelines', viewer, (c) => respond(c, pipelinesPage));
  pages.get('/ui/pipelines/:id', viewer, (c) => respond(c, (ctx) => pipelinePage(ctx, c.req.param('id'))));
  pages.get('/ui/models', viewer, (c) => respond(c, modelsPage));
  pages.get('/ui/models/:name', viewer, (c) => respond(c, (ctx) => modelPage(ctx, c.req.param('name'))));
  pages.get('/ui/models/:name/drift', viewer, (c) => respond(c, (ctx) => driftPage(ctx, c.req.param('name'))));
  pages.get('/ui/datasets/:sha256', viewer, (c) => respond(c, (ctx) => datasetPage(ctx, c.req.param('sha256'))));

  // Actions: a form posts here, the page calls the API route with the viewer's key, then shows the run again.
  for (const decision of STEP_DECISIONS) {
    pages.post(`/ui/runs/:runId/steps/:step/${decision}`, form, authorize(accessOf(access, 'POST', `/api/v1/runs/:runId/steps/:step/${decision}`), keyRing, { acceptCookie: true }), async (c) => {
      const { runId, step } = c.req.param();
      const ctx = pageContext(c, app, access);
      const json = await decisionOf(c);
      await answerOf(ctx.api.api.v1.runs[':runId'].steps[':step'][decision].$post({ param: { runId: encodeURIComponent(runId), step: encodeURIComponent(step) }, json }));
      return c.redirect(`/ui/runs/${encodeURIComponent(runId)}#step-${encodeURIComponent(step)}`, 303);
    });
  }
  pages.post('/ui/runs/:runId/abort', form, authorize(accessOf(access, 'POST', '/api/v1/runs/:runId/abort'), keyRing, { acceptCookie: true }), async (c) => {
    const runId = c.req.param('runId');
    const ctx = pageContext(c, app, access);
    await answerOf(ctx.api.api.v1.runs[':runId'].abort.$post({ param: { runId: encodeURIComponent(runId) }, json: await reasonOf(c) }));
    return c.redirect(`/ui/runs/${encodeURIComponent(runId)}`, 303);
  });
  pages.post('/ui/models/:name/aliases/:alias/rollback', form, authorize(accessOf(access, 'POST', '/api/v1/models/:name/aliases/:alias/rollback'), keyRing, { acceptCookie: true }), async (c) => {
    const { name, alias } = c.req.param();
    const ctx = pageContext(c, app, access);
    await answerOf(ctx.api.api.v1.models[':name'].aliases[':alias'].rollback.$post({ param: { name: encodeURIComponent(name), alias: encodeURIComponent(alias) }, json: await reasonOf(c) }));
    return c.redirect(`/ui/models/${encodeURIComponent(name)}`, 303);
  });

  pages.onError((error, c) => {
    c.header('content-security-policy', CONTENT_SECURITY_POLICY);
    if (error instanceof HTTPException) return c.html(errorPage(error.status, error.status === 403 ? 'this form did not come from this site' : error.message, null), error.status);
    const httpError = toHttpError(error);
    if (httpError.status === 401 && c.req.method === 'GET') return c.html(loginPage({ next: safeNext(c.req.path), problem: httpError.message }), 401);
    const role = c.get('apiRole');
    return c.html(errorPage(httpError.status, httpError.message, role ? { role, signedIn: true } : null), httpError.status);
  });
  return pages;
}
