import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { logger } from '../logger';
import type { AliasMove } from '../registry/aliases';
import { DELIVER_NOTIFICATIONS_WORKFLOW, notificationWorkflowId, type NotificationEvent } from './events';

/**
 * Announces an event from outside a workflow (the API): starts its delivery workflow and does not wait
 * for it. A Temporal that is down costs the notification (logged), never the request that moved the alias.
 */
export function announceFromClient(client: Client, taskQueue: string, event: NotificationEvent): void {
  client.workflow
    .start(DELIVER_NOTIFICATIONS_WORKFLOW, { workflowId: notificationWorkflowId(event.id), taskQueue, args: [event], workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE, staticSummary: event.summary.slice(0, 400) })
    .catch((error: Error) => {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return;
      logger.warn({ event: event.id, err: error }, 'notification not announced');
    });
}

/** The event of an alias move made through the API: a promotion, or a rollback. */
export function aliasMoveEvent(move: AliasMove, kind: 'model.promoted' | 'model.rolled_back'): NotificationEvent {
  const what = kind === 'model.rolled_back' ? `rolled back to v${move.version}${move.previous === null ? '' : ` from v${move.previous}`}` : `now v${move.version}${move.previous === null ? '' : ` (was v${move.previous})`}`;
  return {
    id: `alias:${move.model}:${move.alias}:${move.movedAt}`,
    kind,
    at: move.movedAt,
    runId: null,
    pipeline: null,
    summary: `${move.model} ${move.alias} ${what}${move.weight === null ? '' : ` at weight ${move.weight}`}, by ${move.actor}${move.reason ? `: ${move.reason}` : ''}`,
    commands: kind === 'model.rolled_back' ? [`cairn models ${move.model}`] : [`cairn rollback ${move.model} --alias ${move.alias}`],
    details: { model: move.model, alias: move.alias, version: move.version, previous: move.previous, weight: move.weight, by: move.actor, reason: move.reason },
  };
}
