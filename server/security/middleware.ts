import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { roleAllows, type ApiRole } from '../../lib/auth/apiKeys';
import { logger } from '../../lib/logger';
import { httpRequests } from '../../lib/metrics/metrics';
import { HttpError, storeUnavailable } from '../httpErrors';
import type { Access } from '../routeDef';
import { isLoopback, socketAddress } from './clientAddress';
import type { KeyRing } from './keyRing';
import type { RateLimiter } from './rateLimiter';

export type AppEnv = { Variables: { requestId: string; correlationId?: string; apiKeyId: string; apiRole: ApiRole } };

/** The cookie Cairn's pages keep the signed-in key in (HttpOnly, SameSite=Strict): read only by page routes, never by the API's. */
export const PAGE_KEY_COOKIE = 'cairn_key';

/** The key a request presents: a bearer header, an X-Api-Key header, or (pages only) the sign-in cookie. */
export function presentedKey(c: Context, acceptCookie = false): string | undefined {
  const header = c.req.header('authorization');
  if (header?.toLowerCase().startsWith('bearer ')) return header.slice(7).trim();
  const fromHeader = c.req.header('x-api-key')?.trim();
  if (fromHeader) return fromHeader;
  return acceptCookie ? getCookie(c, PAGE_KEY_COOKIE) || undefined : undefined;
}

/**
 * Once any key exists, every non-public route needs one whose role is high enough. A key from
 * CAIRN_API_KEYS is checked without the store; when the store cannot be read and the key is not one
 * of those (or no key is given), the answer is 503: the server fails closed, never open.
 */
export function authorize(access: Access, keyRing: KeyRing, options: { acceptCookie?: boolean } = {}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (access === 'public') return next();
    const presented = presentedKey(c, options.acceptCookie);
    const admit = (identity: { id: string; role: ApiRole }) => {
      if (!roleAllows(identity.role, access)) throw new HttpError(403, 'forbidden', `this route needs the ${access} role; the key has ${identity.role}`);
      c.set('apiKeyId', identity.id);
      c.set('apiRole', identity.role);
      return next();
    };
    const fromEnv = presented === undefined ? undefined : keyRing.identifyFromEnv(presented);
    if (fromEnv) return admit(fromEnv);
    const { keys, complete } = await keyRing.keys();
    if (!complete) throw storeUnavailable('the API keys in the store cannot be read to check this request');
    if (keys.length === 0) {
      // No keys anywhere: open, but only to this machine. The server listens on loopback then; if it
      // was bound wider while keys existed and the last one was revoked, it fails closed here.
      const address = socketAddress(c);
      if (address !== undefined && !isLoopback(address)) {
        throw new HttpError(401, 'unauthorized', 'no API keys exist: without one, this API answers only requests from its own machine');
      }
      c.set('apiKeyId', 'anonymous');
      // With no keys anywhere, this machine may do anything (it could create an admin key).
      c.set('apiRole', 'admin');
      return next();
    }
    if (!presented) throw new HttpError(401, 'unauthorized', 'this route needs an API key: Authorization: Bearer <key>');
    const identity = keyRing.identify(presented, keys);
    if (!identity) throw new HttpError(401, 'unauthorized', 'API key not recognised');
    return admit(identity);
  };
}

/** Who a rate limit counts: the key, or without keys the socket's address (never a header such as X-Forwarded-For, which the client chooses). */
function rateLimitClient(c: Context<AppEnv>): string {
  return c.get('apiKeyId') === 'anonymous' ? `addr:${socketAddress(c) ?? 'local'}` : `key:${c.get('apiKeyId')}`;
}

/** Takes `cost` from the client's budget, or refuses with 429 and Retry-After. */
export function spend(limiter: RateLimiter, c: Context<AppEnv>, cost: number, what: string): void {
  const wait = limiter.take(rateLimitClient(c), Date.now(), cost);
  if (wait > 0) {
    c.header('Retry-After', String(wait));
    throw new HttpError(429, 'rate_limited', `too many ${what}: retry in ${wait} s`);
  }
}

/** Per-key (or per client address, without keys) limit on routes that start work. */
export function rateLimit(limiter: RateLimiter): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    spend(limiter, c, 1, 'requests');
    return next();
  };
}

/** One structured line per request, with its request id (also sent back as X-Request-Id). */
export function requestLog(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    // The route pattern, not the URL, so label values stay bounded.
    httpRequests.observe({ method: c.req.method, route: c.req.routePath, status: String(c.res.status) }, (performance.now() - started) / 1000);
    logger.info(
      { requestId: c.get('requestId'), correlationId: c.get('correlationId'), method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started), key: c.get('apiKeyId') },
      'request',
    );
  };
}
