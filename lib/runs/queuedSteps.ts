import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { declaredQueue } from '../taskQueues';
import { POLLER_FRESH_MS, type QueuedStep } from './queuedStep';

type PendingActivity = proto.temporal.api.workflow.v1.IPendingActivityInfo;
const { PendingActivityState, TaskQueueKind, TaskQueueType } = proto.temporal.api.enums.v1;

/** A task a worker with a free slot takes at once: held this long, it is worth saying why. */
export const QUEUED_NOTICE_MS = 5_000;

function millis(time: { seconds?: unknown; nanos?: number | null } | null | undefined): number | null {
  if (!time?.seconds) return null;
  return Number(time.seconds) * 1000 + Math.floor((time.nanos ?? 0) / 1e6);
}

type Polling = Pick<QueuedStep, 'workersPolling' | 'lastPollAt'>;

/** How many workers polled a task queue (for activities, or for workflow tasks) within POLLER_FRESH_MS, and the latest poll Temporal remembers. */
export async function pollingOf(client: Client, taskQueue: string, kind: 'activity' | 'workflow', now = Date.now()): Promise<Polling> {
  const { pollers } = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: kind === 'activity' ? TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY : TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  const polls = (pollers ?? []).map((p) => millis(p.lastAccessTime) ?? 0);
  const latest = Math.max(0, ...polls);
  return { workersPolling: polls.filter((at) => now - at < POLLER_FRESH_MS).length, lastPollAt: latest > 0 ? new Date(latest).toISOString() : null };
}

/**
 * The pending activities scheduled at least QUEUED_NOTICE_MS ago and not started, by activity id,
 * with how many workers poll their task queue (one DescribeTaskQueue per queue, only when a step
 * waits that long: a run view of steps that start at once asks nothing more).
 */
export async function queuedActivities(client: Client, pending: PendingActivity[], pipelinesQueue?: string, now = Date.now()): Promise<Map<string, QueuedStep>> {
  const held = pending.flatMap((activity) => {
    const scheduled = millis(activity.scheduledTime);
    const taskQueue = activity.activityOptions?.taskQueue?.name;
    if (activity.state !== PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED || scheduled === null || !taskQueue || !activity.activityId) return [];
    return now - scheduled < QUEUED_NOTICE_MS ? [] : [{ id: activity.activityId, since: new Date(scheduled).toISOString(), taskQueue }];
  });
  const polling = new Map<string, Polling>();
  for (const taskQueue of new Set(held.map((h) => h.taskQueue))) polling.set(taskQueue, await pollingOf(client, taskQueue, 'activity', now));
  return new Map(held.map((h) => [h.id, { since: h.since, taskQueue: h.taskQueue, queue: declaredQueue(h.taskQueue, pipelinesQueue), workersPolling: 0, lastPollAt: null, ...polling.get(h.taskQueue) }]));
}
