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
  const polling = new Map<string, Pick<QueuedStep, 'workersPolling' | 'lastPollAt'>>();
  for (const taskQueue of new Set(held.map((h) => h.taskQueue))) {
    const { pollers } = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    });
    const polls = (pollers ?? []).map((p) => millis(p.lastAccessTime) ?? 0);
    const latest = Math.max(0, ...polls);
    polling.set(taskQueue, { workersPolling: polls.filter((at) => now - at < POLLER_FRESH_MS).length, lastPollAt: latest > 0 ? new Date(latest).toISOString() : null });
  }
  return new Map(held.map((h) => [h.id, { since: h.since, taskQueue: h.taskQueue, queue: declaredQueue(h.taskQueue, pipelinesQueue), workersPolling: 0, lastPollAt: null, ...polling.get(h.taskQueue) }]));
}
