import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

/**
 * The address of the peer on the socket: never a header a client can set (X-Forwarded-For). A
 * request built in this process (app.request in tests and tools) has no socket: undefined.
 */
export function socketAddress(c: Context): string | undefined {
  return (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket?.remoteAddress;
}

/** 127.0.0.0/8, ::1 and their IPv4-mapped form. */
export function isLoopback(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4 === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}
