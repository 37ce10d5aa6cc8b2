import { scheduledWorkflowId } from '../runIds';
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { parseDuration } from '../dsl/duration';
import type { Registry } from '../dsl/registry';
import { CAIRN_PIPELINE, CAIRN_STATUS, CAIRN_TRIGGER } from '../searchAttributes';
import { STARTED_BY_MEMO, type RunInput, type WatchDriftInput } from '../runContract/types';
import { sha256Hex } from '../canonicalJson';
import type { Starter } from '../auth/runAuthority';
import { signaturesFor } from '../runs/startRun';

import { feedbackNeeds, type DriftTrigger } from '../dsl/triggers';
import { desiredSchedules, type DesiredSchedule } from './desiredSchedules';
import { managedScheduleIds } from './listSchedules';

export const DEFAULT_CATCHUP_WINDOW_MS = 60 * 60_000;

const OVERLAP: Record<string, ScheduleOverlapPolicy> = {
  skip: ScheduleOverlapPolicy.SKIP,
  buffer_one: ScheduleOverlapPolicy.BUFFER_ONE,
  buffer_all: ScheduleOverlapPolicy.BUFFER_ALL,
  cancel_other: ScheduleOverlapPolicy.CANCEL_OTHER,
  terminate_other: ScheduleOverlapPolicy.TERMINATE_OTHER,
  allow_all: ScheduleOverlapPolicy.ALLOW_ALL,
};

export interface SyncResult {
  created: string[];
  updated: string[];
  deleted: string[];
  unchanged: string[];
}

/** A schedule's runs are the deployment's definitions acting: they carry the deployment's authority. */
function scheduleStarter(desired: DesiredSchedule): Starter {
  return { principal: `schedule:${desired.scheduleId}`, role: 'deployment' };
}

/** The schedule as Temporal should hold it. The hash travels in the action's memo, which updates with it. */
function scheduleOptions(desired: DesiredSchedule, taskQueue: string, specSecret: string | undefined): ScheduleOptions {
  const { trigger } = desired;
  const startedBy = scheduleStarter(desired);
  const input: RunInput = { spec: desired.spec, params: desired.params, trigger: 'schedule', startedBy, ...signaturesFor(specSecret, desired.spec, startedBy) };
  return {
    scheduleId: desired.scheduleId,
    spec:
      trigger.kind === 'cron'
        ? { cronExpressions: [trigger.expression], timezone: trigger.timezone }
        : { intervals: [{ every: parseDuration(trigger.every) as number }] },
    action:
      trigger.kind === 'drift'
        ? {
            type: 'startWorkflow',
            workflowType: 'watchDrift',
            workflowId: scheduledWorkflowId(desired.pipeline, 'drift-watch', desired.name),
            taskQueue,
            args: [watchDriftInput(desired, trigger, specSecret)],
            memo: { cairnScheduleHash: desired.hash },
            staticSummary: `watch ${trigger.model} (${trigger.alias}) for drift; retrain with ${desired.pipeline}`.slice(0, 400),
          }
        : {
            type: 'startWorkflow',
            workflowType: 'runPipeline',
            workflowId: scheduledWorkflowId(desired.pipeline, 'schedule', desired.name),
            taskQueue,
            args: [input],
            memo: { cairnScheduleHash: desired.hash, [STARTED_BY_MEMO]: startedBy },
            typedSearchAttributes: new TypedSearchAttributes([
              { key: CAIRN_PIPELINE, value: desired.pipeline },
              { key: CAIRN_TRIGGER, value: 'schedule' },
              { key: CAIRN_STATUS, value: 'running' },
            ]),
            staticSummary: `${desired.pipeline} (schedule ${desired.name}) ${JSON.stringify(desired.params)}`.slice(0, 400),
          },
    policies: {
      overlap: OVERLAP[trigger.overlap ?? 'skip'],
      catchupWindow: parseDuration(trigger.catchupWindow) ?? DEFAULT_CATCHUP_WINDOW_MS,
    },
    state: { note: trigger.note ?? `managed by Cairn from definitions/ (pipeline ${desired.pipeline})` },
    // Set once at creation: marks the schedule as Cairn's, for the deployment serving `taskQueue`.
    memo: { cairnManaged: true, cairnScope: taskQueue, cairnPipeline: desired.pipeline },
  };
}

/** What the drift watcher needs: the model, window and thresholds, and the compiled retrain run. */
export function watchDriftInput(desired: DesiredSchedule, trigger: DriftTrigger, specSecret?: string): WatchDriftInput {
  const startedBy: Starter = { principal: `drift:${trigger.model}/${trigger.alias}`, role: 'deployment' };
  return {
    pipeline: desired.pipeline,
    retrain: { spec: desired.spec, params: desired.params, trigger: 'drift', startedBy, ...signaturesFor(specSecret, desired.spec, startedBy) },
    model: trigger.model,
    alias: trigger.alias,
    windowMs: parseDuration(trigger.window) as number,
    minRows: trigger.minRows,
    maxRows: trigger.maxRows,
    cooldownMs: parseDuration(trigger.cooldown) as number,
    thresholds: trigger.thresholds,
    ...(trigger.retrainOn === 'production-feedback' ? { feedback: feedbackNeeds(trigger) } : {}),
  };
}

/** Creates, updates or leaves one schedule; says which. */
async function reconcile(client: Client, schedule: DesiredSchedule, taskQueue: string, specSecret: string | undefined): Promise<'created' | 'updated' | 'unchanged'> {
  const options = scheduleOptions(schedule, taskQueue, specSecret);
  const handle = client.schedule.getHandle(schedule.scheduleId);
  // describe() is strongly consistent; the list below may lag behind a schedule just created.
  const existing = await handle.describe().catch((error: unknown) => {
    if (error instanceof ScheduleNotFoundError) return undefined;
    throw error;
  });
  if (!existing) {
    await client.schedule.create(options);
    return 'created';
  }
  if (existing.action.type === 'startWorkflow' && existing.action.memo?.cairnScheduleHash === schedule.hash) return 'unchanged';
  await handle.update((previous) => ({
    ...previous,
    spec: options.spec,
    action: options.action,
    policies: { ...previous.policies, ...options.policies },
    state: { ...previous.state, note: previous.state.paused ? previous.state.note : options.state?.note },
  }));
  return 'updated';
}

/**
 * Reconciles Temporal Schedules with definitions/: creates new ones, updates changed ones (keeping
 * a pause), deletes Cairn's schedules (of this task queue) whose trigger is gone, leaves every
 * other schedule alone. Running it twice changes nothing.
 */
export async function syncSchedules(client: Client, registry: Pick<Registry, 'pipelines'>, taskQueue: string, specSecret?: string): Promise<SyncResult> {
  const result: SyncResult = { created: [], updated: [], deleted: [], unchanged: [] };
  // A new spec secret re-signs every schedule: it is part of what "unchanged" compares (as a digest, never itself).
  const secretDigest = specSecret ? sha256Hex(`cairn-spec-secret:${specSecret}`) : undefined;
  const desired = desiredSchedules(registry, taskQueue).map((d) => (secretDigest ? { ...d, hash: sha256Hex(`${d.hash}:${secretDigest}`) } : d));
  for (const schedule of desired) {
    try {
      result[await reconcile(client, schedule, taskQueue, specSecret)].push(schedule.scheduleId);
    } catch (error) {
      // Another process (a second worker starting, a concurrent `schedules sync`) created it first:
      // look again, and update it only if what it wrote differs from what this one wants.
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      result[await reconcile(client, schedule, taskQueue, specSecret)].push(schedule.scheduleId);
    }
  }
  const wanted = new Set(desired.map((d) => d.scheduleId));
  for (const id of await managedScheduleIds(client, taskQueue)) {
    if (wanted.has(id)) continue;
    try {
      await client.schedule.getHandle(id).delete();
      result.deleted.push(id);
    } catch (error) {
      // Visibility may still list a schedule deleted a moment ago: already gone is fine.
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    }
  }
  return result;
}
