import type { JsonValue } from '../dsl/spec';

/** What Cairn tells people about (webhooks; the same conditions have Prometheus alert rules in deploy/prometheus). */
export const NOTIFICATION_KINDS = ['run.failed', 'step.awaiting_operator', 'step.awaiting_approval', 'drift.detected', 'model.promoted', 'model.rolled_back'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** One event, delivered once to every target that listens to its kind. Workflow-safe: plain data. */
export interface NotificationEvent {
  /** Unique per event: deliveries are made once per id (and receivers can deduplicate on it). */
  id: string;
  kind: NotificationKind;
  /** ISO time the event happened. */
  at: string;
  runId: string | null;
  pipeline: string | null;
  /** One line a person reads first. */
  summary: string;
  /** The exact commands that act on it (`cairn retry ...`), when there are any. */
  commands: string[];
  details: Record<string, JsonValue>;
}

/** The activity types of delivery, on the pipelines worker. */
export const NOTIFICATION_TARGETS_ACTIVITY = 'cairn-notification-targets';
export const DELIVER_NOTIFICATION_ACTIVITY = 'cairn-deliver-notification';

/** The workflow that delivers one event: its id is derived from the event's, so an event is delivered once. */
export const DELIVER_NOTIFICATIONS_WORKFLOW = 'deliverNotifications';
export const notificationWorkflowId = (eventId: string) => `cairn-notify:${eventId}`;

/** What a delivery returns: how the target answered. */
export interface DeliveryResult {
  target: string;
  status: number;
  attempt: number;
}
