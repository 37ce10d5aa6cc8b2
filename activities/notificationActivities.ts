import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { StepServices } from '../lib/dsl/defineStep';
import { DELIVER_NOTIFICATION_ACTIVITY, NOTIFICATION_TARGETS_ACTIVITY, type DeliveryResult, type NotificationEvent, type NotificationKind } from '../lib/notifications/events';
import { NotificationAnswered, postNotification } from '../lib/notifications/deliver';
import { listensTo, type NotificationTarget } from '../lib/notifications/targets';
import { recordDeliveryAttempt } from '../lib/store/notificationDeliveriesTable';
import { logger } from '../lib/logger';

/** How long one delivery attempt may take: a slow receiver holds only its own delivery, never a run. */
const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * Delivery of notifications, on the pipelines worker: which targets listen to a kind (by name, so no
 * URL, which may hold a token, is written to Temporal's history), and one attempt to deliver an event
 * to one target, recorded in the store when there is one.
 */
export function notificationActivities(targets: NotificationTarget[], secret: string | undefined, services: Pick<StepServices, 'store'>) {
  return {
    [NOTIFICATION_TARGETS_ACTIVITY]: async (kind: NotificationKind): Promise<string[]> => targets.filter((t) => listensTo(t, kind)).map((t) => t.name),

    [DELIVER_NOTIFICATION_ACTIVITY]: async ({ event, target: name }: { event: NotificationEvent; target: string }): Promise<DeliveryResult> => {
      const target = targets.find((t) => t.name === name);
      if (!target) throw ApplicationFailure.nonRetryable(`no notification target '${name}' on this worker (its configuration changed?)`, 'NotificationRefused');
      const attempt = Context.current().info.attempt;
      const record = async (state: 'delivering' | 'delivered' | 'refused', status: number | null, error: string | null) => {
        const pool = services.store?.pool;
        if (!pool) return;
        // The state is for people to look at; a store that is down must not cost a delivery.
        await recordDeliveryAttempt(pool, { eventId: event.id, target: name, kind: event.kind, runId: event.runId, state, attempt, status, error }).catch((failed: Error) =>
          logger.warn({ event: event.id, target: name, err: failed }, 'notification delivery state not recorded'),
        );
      };
      try {
        const status = await postNotification(event, target, target.format === 'json' ? secret : undefined, DELIVERY_TIMEOUT_MS);
        await record('delivered', status, null);
        return { target: name, status, attempt };
      } catch (error) {
        const message = (error as Error).message;
        const answered = error instanceof NotificationAnswered ? error : undefined;
        const refused = answered?.refused === true;
        await record(refused ? 'refused' : 'delivering', answered?.status ?? null, message);
        throw refused ? ApplicationFailure.nonRetryable(message, 'NotificationRefused') : ApplicationFailure.retryable(message, 'NotificationNotDelivered');
      }
    },
  };
}
