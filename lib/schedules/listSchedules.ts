import { ScheduleNotFoundError, type Client, type ScheduleDescription } from '@temporalio/client';

export interface ScheduleView {
  scheduleId: string;
  pipeline: string | null;
  paused: boolean;
  note: string | null;
  nextRuns: string[];
  lastRun: { scheduledAt: string; runId: string | null } | null;
}

interface CairnScheduleMemo {
  cairnManaged?: boolean;
  cairnScope?: string;
  cairnPipeline?: string;
}

/** Ids of Cairn's schedules for the deployment serving `taskQueue` (from visibility, which may lag a little). */
export async function managedScheduleIds(client: Client, taskQueue: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const summary of client.schedule.list()) {
    const memo = summary.memo as CairnScheduleMemo | undefined;
    if (memo?.cairnManaged && memo.cairnScope === taskQueue) ids.push(summary.scheduleId);
  }
  return ids;
}

export function toScheduleView(description: ScheduleDescription): ScheduleView {
  const memo = description.memo as CairnScheduleMemo | undefined;
  const last = description.info.recentActions.at(-1);
  return {
    scheduleId: description.scheduleId,
    pipeline: memo?.cairnPipeline ?? null,
    paused: description.state.paused,
    note: description.state.note ?? null,
    nextRuns: description.info.nextActionTimes.map((d) => d.toISOString()),
    lastRun: last
      ? { scheduledAt: last.scheduledAt.toISOString(), runId: last.action.type === 'startWorkflow' ? last.action.workflow.workflowId : null }
      : null,
  };
}

/** Current state of each schedule (describe() is strongly consistent); unknown ids are left out. */
export async function describeSchedules(client: Client, ids: Iterable<string>): Promise<ScheduleView[]> {
  const views: ScheduleView[] = [];
  for (const id of new Set(ids)) {
    try {
      views.push(toScheduleView(await client.schedule.getHandle(id).describe()));
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    }
  }
  return views.sort((a, b) => a.scheduleId.localeCompare(b.scheduleId));
}
