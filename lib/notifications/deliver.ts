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

/** A target answered other than 2xx: `refused` when trying again is not worth it (a 4xx other than 408 and 429: the request itself is refused). */
export class NotificationAnswered extends Error {
  override name = 'NotificationAnswered';
  constructor(
    target: string,
    readonly status: number,
  ) {
    super(`${target} answered ${status}`);
  }

  get refused(): boolean {
    return this.status >= 400 && this.status < 500 && this.status !== 408 && this.status !== 429;
  }
}

/**
 * Posts one event to one target. A 2xx is delivered; any other answer throws NotificationAnswered (a
 * refusal or not); a timeout or a network error throws as it is.
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
  throw new NotificationAnswered(target.name, response.status);
}
