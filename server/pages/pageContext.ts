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

/** The typed API client, answered by the app itself in this process, with `key` (or none). */
export function inProcessApi(app: Fetcher, c: Context<AppEnv>, key: string | undefined) {
  return hc<AppType>(IN_PROCESS_ORIGIN, {
    // The request's own env travels along, so the API sees the same client address (loopback checks).
    fetch: ((input: string | URL | Request, init?: RequestInit) => Promise.resolve(app.fetch(new Request(input, init), c.env))) as typeof fetch,
    headers: { accept: 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
  });
}

/** Who may call each API route, by `METHOD path`: built once, from the route definitions. */
export type AccessTable = ReadonlyMap<string, RouteDef['access']>;

export function accessTable(routes: readonly RouteDef[]): AccessTable {
  return new Map(routes.map((r) => [`${r.method} ${r.path}`, r.access]));
}

/** The role an API route needs (`public` for none); a route that does not exist is a programming error. */
export function accessOf(access: AccessTable, method: Method, path: string): RouteDef['access'] {
  const needed = access.get(`${method} ${path}`);
  if (needed === undefined) throw new Error(`no API route ${method} ${path}`);
  return needed;
}

/**
 * What a page handler works with. Pages are a client of the API, in process: every figure a page
 * shows comes through the same route, with the same key, role checks, validation and deadlines as
 * from the CLI, so a page can never show or do what its viewer's key could not through the API.
 */
export function pageContext(c: Context<AppEnv>, app: Fetcher, access: AccessTable) {
  const api = inProcessApi(app, c, presentedKey(c, true));
  const viewer: Viewer = { role: c.get('apiRole'), signedIn: getCookie(c, PAGE_KEY_COOKIE) !== undefined };
  /** Whether the viewer's role may call an API route: what decides which buttons a page offers. */
  const may = (method: Method, path: string) => {
    const needed = accessOf(access, method, path);
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
