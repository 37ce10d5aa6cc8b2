import type { Context, MiddlewareHandler } from 'hono';
import { roleAllows } from '../../lib/auth/apiKeys';
import { logger } from '../../lib/logger';
import { httpRequests } from '../../lib/metrics/metrics';
import { HttpError } from '../httpErrors';
import type { Access } from '../routeDef';
import type { KeyRing } from './keyRing';
import type { RateLimiter } from './rateLimiter';

export type AppEnv = { Variables: { requestId: string; apiKeyId: string } };

function presentedKey(c: Context): string | undefined {
  const header = c.req.header('authorization');
  if (header?.toLowerCase().startsWith('bearer ')) return header.slice(7).trim();
  return c.req.header('x-api-key')?.trim() || undefined;
}

/** Once any key exists, every non-public route needs one whose role is high enough. */
export function authorize(access: Access, keyRing: KeyRing): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (access === 'public') return next();
    const keys = await keyRing.keys();
    if (keys.length === 0) {
      c.set('apiKeyId', 'anonymous'); // no keys configured: the server listens on loopback only
      return next();
    }
    const presented = presentedKey(c);
    if (!presented) throw new HttpError(401, 'unauthorized', 'this route needs an API key: Authorization: Bearer <key>');
    const identity = keyRing.identify(presented, keys);
    if (!identity) throw new HttpError(401, 'unauthorized', 'API key not recognised');
    if (!roleAllows(identity.role, access)) throw new HttpError(403, 'forbidden', `this route needs the ${access} role; the key has ${identity.role}`);
    c.set('apiKeyId', identity.id);
    return next();
  };
}

/** Per-key (or per client address, without keys) limit on routes that start work. */
export function rateLimit(limiter: RateLimiter): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const client = c.get('apiKeyId') === 'anonymous' ? `addr:${c.req.header('x-forwarded-for') ?? 'local'}` : `key:${c.get('apiKeyId')}`;
    const wait = limiter.take(client);
    if (wait > 0) {
      c.header('Retry-After', String(wait));
      throw new HttpError(429, 'rate_limited', `too many requests: retry in ${wait} s`);
    }
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
      { requestId: c.get('requestId'), method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started), key: c.get('apiKeyId') },
      'request',
    );
  };
}
