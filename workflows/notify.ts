import { ParentClosePolicy, WorkflowIdReusePolicy, log, proxyActivities, startChild, workflowInfo } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { DELIVER_NOTIFICATION_ACTIVITY, NOTIFICATION_TARGETS_ACTIVITY, notificationWorkflowId, type DeliveryResult, type NotificationEvent, type NotificationKind } from '../lib/notifications/events';

// An activity task, not a local activity: on a worker built without Cairn's bookkeeping activities
// (a test's own worker) it fails at once and nothing is announced, where a missing local activity
// would fail the workflow task over and over.
const { [NOTIFICATION_TARGETS_ACTIVITY]: targetsFor } = proxyActivities<{ [NOTIFICATION_TARGETS_ACTIVITY]: (kind: NotificationKind) => Promise<string[]> }>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 2, initialInterval: '100 milliseconds' },
});

/** The names of the targets listening to a kind; none when they cannot be read (logged). */
async function listeningTargets(event: NotificationEvent): Promise<string[]> {
  try {
    return await targetsFor(event.kind);
  } catch (error) {
    log.warn('no notification targets could be read; the event is not delivered', { event: event.id, error: (error as Error).message });
    return [];
  }
}

/** A receiver that fails is retried with backoff for about half an hour (1 s doubling to 10 min, 12 attempts); a 4xx other than 408/429 is not retried. */
const { [DELIVER_NOTIFICATION_ACTIVITY]: deliver } = proxyActivities<{ [DELIVER_NOTIFICATION_ACTIVITY]: (request: { event: NotificationEvent; target: string }) => Promise<DeliveryResult> }>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 12, nonRetryableErrorTypes: ['NotificationRefused'] },
});

/**
 * Delivers one event to every target that listens to its kind, each on its own (one failing or slow
 * receiver holds back no other). Started with the event's id as its workflow id, so each event is
 * delivered once however often it is announced.
 */
export async function deliverNotifications(event: NotificationEvent, listening?: string[]): Promise<{ delivered: DeliveryResult[]; failed: { target: string; error: string }[] }> {
  const targets = listening ?? (await listeningTargets(event));
  const outcomes = await Promise.allSettled(targets.map((target) => deliver({ event, target })));
  const delivered: DeliveryResult[] = [];
  const failed: { target: string; error: string }[] = [];
  outcomes.forEach((outcome, index) => {
    if (outcome.status === 'fulfilled') delivered.push(outcome.value);
    else failed.push({ target: targets[index] as string, error: (outcome.reason as Error).message });
  });
  if (failed.length > 0) log.warn('notifications not delivered', { event: event.id, failed });
  return { delivered, failed };
}

/**
 * Announces an event from a workflow without waiting for its delivery: asks which targets listen
 * (one activity), then starts a child that delivers to them and outlives the announcing run, once per
 * event id (an event announced again, on a replay or a retry, is the same child).
 */
export async function announce(event: NotificationEvent): Promise<void> {
  // Nobody listening (no targets configured, the common case): no child workflow at all.
  const targets = await listeningTargets(event);
  if (targets.length === 0) return;
  try {
    await startChild(deliverNotifications, {
      workflowId: notificationWorkflowId(event.id),
      taskQueue: workflowInfo().taskQueue,
      args: [event, targets],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      // No staticSummary: the time-skipping test server (lib/testing's) never confirms the start of a
      // child with user metadata, and the announcing run would wait for it forever.
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}
