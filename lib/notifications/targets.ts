import { z } from 'zod';
import { ConfigError } from '../errors';
import { NOTIFICATION_KINDS, type NotificationKind } from './events';

/** Where notifications go: a generic JSON webhook (HMAC-signed) or a Slack-compatible incoming webhook. */
export const NotificationTargetSchema = z.strictObject({
  /** Shown in delivery state; default `webhook-<n>` by position (deployment's targets first, then the registry's). */
  name: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes')
    .optional(),
  url: z.url({ protocol: /^https?$/, error: 'an http(s) URL' }),
  /** json: the event as JSON, signed; slack: `{ text }` for a Slack-compatible incoming webhook. */
  format: z.enum(['json', 'slack']).default('json'),
  /** The kinds it receives; all when absent. */
  events: z.array(z.enum(NOTIFICATION_KINDS)).min(1).optional(),
});
export type NotificationTargetInput = z.input<typeof NotificationTargetSchema>;
export type NotificationTarget = z.output<typeof NotificationTargetSchema> & { name: string };

/** The deployment's and the definitions' targets, each with a unique name. */
export function namedTargets(lists: { where: string; targets: NotificationTargetInput[] }[]): NotificationTarget[] {
  const named: NotificationTarget[] = [];
  for (const { where, targets } of lists) {
    targets.forEach((input, index) => {
      const parsed = NotificationTargetSchema.safeParse(input);
      if (!parsed.success) {
        throw new ConfigError(`${where}[${index}]: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'target'}: ${i.message}`).join('; ')}`);
      }
      const name = parsed.data.name ?? `webhook-${named.length + 1}`;
      if (named.some((t) => t.name === name)) throw new ConfigError(`${where}[${index}]: two notification targets are named '${name}'`);
      named.push({ ...parsed.data, name });
    });
  }
  return named;
}

export const listensTo = (target: NotificationTarget, kind: NotificationKind) => !target.events || target.events.includes(kind);

/** JSON webhooks are always signed: a deployment that has one needs the signing key. */
export function checkSigningKey(targets: NotificationTarget[], secret: string | undefined): void {
  const unsigned = targets.filter((t) => t.format === 'json');
  if (unsigned.length > 0 && !secret) {
    throw new ConfigError(`notification targets ${unsigned.map((t) => `'${t.name}'`).join(', ')} are JSON webhooks, which Cairn signs: set CAIRN_NOTIFY_SECRET (at least 32 characters)`);
  }
}
