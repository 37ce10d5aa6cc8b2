import type { Context } from 'hono';
import { hc } from 'hono/client';
import { getCookie } from 'hono/cookie';
import { roleAllows } from '../../lib/auth/apiKeys';
import type { AppType } from '../appType';
import { HttpError } from '../httpErrors';
import type { Method, RouteDef } from '../routeDef';
import { PAGE_KEY_COOKIE, presentedKey, type AppEnv } from '../security/middleware';
import type { Viewer } from './layout';

/** The origin in-process API requests are addressed to; they never leave the process. */
const IN_PROCESS_ORIGIN = 'http://cairn.in-process';

/** Anything that answers a Request as the API does (the app itself). */
export interface Fetcher {
  fetch(request: Request, env?: unknown): Response | Promise<Response>;
}

/**
 * What a page handler works with. Pages are a client of the API, in process: every figure a page
 * shows comes through the same route, with the same key, role checks, validation and deadlines as
 * from the CLI, so a page can never show or do what its viewer's key could not through the API.
 */
export function pageContext(c: Context<AppEnv>, app: Fetcher, routes: readonly RouteDef[]) {
  const key = presentedKey(c, true);
  const api = hc<AppType>(IN_PROCESS_ORIGIN, {
    // The request's own env travels along, so the API sees the same client address (loopback checks).
    fetch: ((input: string | URL | Request, init?: RequestInit) => Promise.resolve(app.fetch(new Request(input, init), c.env))) as typeof fetch,
    headers: { accept: 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
  });
  const viewer: Viewer = { role: c.get('apiRole'), signedIn: getCookie(c, PAGE_KEY_COOKIE) !== undefined };
  const access = new Map(routes.map((r) => [`${r.method} ${r.path}`, r.access]));
  /** Whether the viewer's role may call an API route: what decides which buttons a page offers. */
  const may = (method: Method, path: string) => {
    const needed = access.get(`${method} ${path}`);
    if (needed === undefined) throw new Error(`no API route ${method} ${path}`);
    return needed === 'public' || roleAllows(viewer.role, needed);
  };
  return { api, viewer, may };
}

export type PageContext = ReturnType<typeof pageContext>;

/** The body of an API answer; any other answer becomes the same status and message on the page. */
export async function answerOf<T>(pending: Promise<{ ok: boolean; status: number; json(): Promise<T> }>): Promise<T> {
  const response = await pending;
  if (response.ok) return response.json();
  const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  throw new HttpError(response.status as 400, body?.error?.code ?? 'failed', body?.error?.message ?? `the API answered ${response.status}`);
}

/** Like answerOf, but a 503 (a store that is down) or 404 gives null, so the rest of the page still shows. */
export async function optionalAnswer<T>(pending: Promise<{ ok: boolean; status: number; json(): Promise<T> }>): Promise<T | null> {
  try {
    return await answerOf(pending);
  } catch (error) {
    if (error instanceof HttpError && (error.status === 503 || error.status === 404)) return null;
    throw error;
  }
}
