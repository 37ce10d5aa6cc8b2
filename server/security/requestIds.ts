import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './middleware';

/** What a client may send as its own correlation id: short and printable, so it is safe to log and echo. */
const CORRELATION_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * Every request gets an id the server makes (X-Request-Id on the answer; predictions are logged and
 * fed back under it), so a client cannot pre-claim the id of someone else's prediction. An id the
 * client sends in X-Request-Id is kept apart, as its correlation id (X-Correlation-Id, request logs).
 */
export function requestIds(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const requestId = randomUUID();
    c.set('requestId', requestId);
    const sent = c.req.header('x-request-id') ?? c.req.header('x-correlation-id');
    if (sent !== undefined && CORRELATION_ID.test(sent)) {
      c.set('correlationId', sent);
      c.header('X-Correlation-Id', sent);
    }
    c.header('X-Request-Id', requestId);
    await next();
  };
}
