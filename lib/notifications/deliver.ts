import { createHmac } from 'node:crypto';
import type { NotificationEvent } from './events';
import type { NotificationTarget } from './targets';

/** `sha256=<hex>`: HMAC-SHA256 with the deployment's secret over `<timestamp>.<body>` (the timestamp, in seconds, lets a receiver refuse replays). */
export function notificationSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The message a Slack-compatible webhook shows: the summary, then the commands as code. */
export function slackText(event: NotificationEvent): string {
  return [`*${event.summary}*`, ...event.commands.map((command) => `\`${command}\``)].join('\n');
}

/** A target's answer that is not worth trying again (a 4xx other than 408 and 429: the request itself is refused). */
export class NotificationRefused extends Error {
  override name = 'NotificationRefused';
}

/**
 * Posts one event to one target. A 2xx is delivered; a 408, 429, 5xx, timeout or network error throws
 * (the activity is retried with backoff); any other 4xx throws NotificationRefused (not retried).
 */
export async function postNotification(event: NotificationEvent, target: NotificationTarget, secret: string | undefined, timeoutMs: number): Promise<number> {
  const body = target.format === 'slack' ? JSON.stringify({ text: slackText(event) }) : JSON.stringify(event);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'cairn-notifications',
    'x-cairn-event': event.kind,
    'x-cairn-event-id': event.id,
    'x-cairn-timestamp': timestamp,
    ...(secret ? { 'x-cairn-signature': notificationSignature(secret, timestamp, body) } : {}),
  };
  const response = await fetch(target.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
  await response.body?.cancel();
  if (response.status >= 200 && response.status < 300) return response.status;
  const message = `${target.name} answered ${response.status}`;
  if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) throw new NotificationRefused(message);
  throw new Error(message);
}
