import { isCancellation, log, patched, workflowInfo } from '@temporalio/workflow';
import type { NotificationEvent, NotificationKind } from '../lib/notifications/events';
import { announce } from './notify';
import type { RunState } from './runState';

/** Runs since this patch announce what people should know (notifications); earlier runs recorded no such child workflows. */
const NOTIFICATIONS_PATCH = 'cairn-notifications';

/** Announces an event of this run (delivered by a child workflow that outlives it; never awaited). */
export async function announceFromRun(run: RunState, kind: NotificationKind, suffix: string, summary: string, commands: string[], details: NotificationEvent['details']): Promise<void> {
  if (!patched(NOTIFICATIONS_PATCH)) return;
  const info = workflowInfo();
  try {
    await announce({ id: `${info.runId}:${suffix}`, kind, at: new Date().toISOString(), runId: info.workflowId, pipeline: run.spec.pipeline, summary, commands, details });
  } catch (error) {
    // A notification that cannot be started never changes what the run does.
    if (isCancellation(error)) throw error;
    log.warn('notification not announced', { kind, error: (error as Error).message });
  }
}
