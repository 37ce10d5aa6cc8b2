import { logger } from '../lib/logger';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * With no API key anywhere the API is open, so it may only listen on loopback: a non-loopback
 * CAIRN_HOST is overridden, and loudly. Create a key (`cairn keys create`) and restart to listen wider.
 */
export function safeBindHost(host: string, keyCount: number): string {
  if (keyCount > 0 || LOOPBACK.has(host)) {
    if (keyCount === 0) logger.warn('no API keys configured: the API is open to anyone on this machine (it listens on loopback only)');
    return host;
  }
  logger.warn(
    { requestedHost: host },
    `NO API KEYS CONFIGURED: refusing to listen on ${host}; listening on 127.0.0.1 only. Set CAIRN_API_KEYS or create a key with \`cairn keys create\`, then restart.`,
  );
  return '127.0.0.1';
}
