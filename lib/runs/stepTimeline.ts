import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time.js';
import type { temporal } from '@temporalio/proto';
import type { StepState } from '../runContract/types';
import { runInputFromHistory } from './readRunInput';

/** How one execution of a step ended, or that it has not yet. */
export type AttemptOutcome = 'scheduled' | 'running' | 'succeeded' | 'failed' | 'timed_out' | 'cancelled';

/** One bar of a run's timeline: one execution of one step. */
export interface StepAttempt {
  step: string;
  /** Operator round (1, then one more per operator retry). */
  round: number;
  /** Execution within the round (1, 2, ... as the step is retried). */
  execution: number;
  /** Where the times come from: an activity task in the run's history, or the step's own state (light, mapped, cached or reused steps, which run no activity task of their own). */
  source: 'history' | 'state';
  scheduledAt: string;
  startedAt: string | null;
  closedAt: string | null;
  outcome: AttemptOutcome;
  failure: string | null;
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** `<step>#<round>` or `<step>#<round>.<execution>` (lib/runContract/types stepActivityId); map items carry a prefix ending in ':'. */
const ACTIVITY_ID = /^(?:[^:]*:)?([^#:]+)#(\d+)(?:\.(\d+))?$/;

const at = (event: HistoryEvent) => new Date(tsToMs(event.eventTime)).toISOString();

/**
 * Every execution of every activity-task step, read from the run's Temporal history (each execution
 * is one activity attempt since the workflow counts attempts, so each has its own events), plus one
 * bar from the step's state for the steps that ran without an activity task of their own.
 */
export function attemptsFromHistory(events: readonly HistoryEvent[], steps: readonly StepState[], stepNames: Iterable<string> = steps.map((s) => s.name)): StepAttempt[] {
  const known = new Set(stepNames);
  const byScheduledId = new Map<string, StepAttempt>();
  const attempts: StepAttempt[] = [];
  for (const event of events) {
    const id = String(event.eventId);
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const match = ACTIVITY_ID.exec(scheduled.activityId ?? '');
      if (!match || !known.has(match[1] as string)) continue;
      const attempt: StepAttempt = {
        step: match[1] as string,
        round: Number(match[2]),
        execution: Number(match[3] ?? 1),
        source: 'history',
        scheduledAt: at(event),
        startedAt: null,
        closedAt: null,
        outcome: 'scheduled',
        failure: null,
      };
      byScheduledId.set(id, attempt);
      attempts.push(attempt);
      continue;
    }
    const closing =
      event.activityTaskStartedEventAttributes ??
      event.activityTaskCompletedEventAttributes ??
      event.activityTaskFailedEventAttributes ??
      event.activityTaskTimedOutEventAttributes ??
      event.activityTaskCanceledEventAttributes;
    const attempt = closing ? byScheduledId.get(String(closing.scheduledEventId)) : undefined;
    if (!attempt) continue;
    if (event.activityTaskStartedEventAttributes) {
      attempt.startedAt = at(event);
      attempt.outcome = 'running';
      continue;
    }
    attempt.closedAt = at(event);
    if (event.activityTaskCompletedEventAttributes) attempt.outcome = 'succeeded';
    else if (event.activityTaskFailedEventAttributes) {
      attempt.outcome = 'failed';
      attempt.failure = event.activityTaskFailedEventAttributes.failure?.message ?? null;
    } else if (event.activityTaskTimedOutEventAttributes) {
      attempt.outcome = 'timed_out';
      attempt.failure = event.activityTaskTimedOutEventAttributes.failure?.message ?? 'timed out';
    } else attempt.outcome = 'cancelled';
  }
  const withTasks = new Set(attempts.map((a) => a.step));
  for (const step of steps) {
    if (withTasks.has(step.name) || !step.startedAt) continue;
    attempts.push({
      step: step.name,
      round: step.round,
      execution: 1,
      source: 'state',
      scheduledAt: step.startedAt,
      startedAt: step.startedAt,
      closedAt: step.finishedAt,
      outcome: stateOutcome(step.status),
      failure: step.error?.message ?? null,
    });
  }
  return attempts.sort((a, b) => a.scheduledAt.localeCompare(b.scheduledAt));
}

function stateOutcome(status: StepState['status']): AttemptOutcome {
  switch (status) {
    case 'succeeded':
    case 'skipped':
      return 'succeeded';
    case 'failed':
    case 'awaiting_operator':
      return 'failed';
    case 'cancelled':
      return 'cancelled';
    default:
      return 'running';
  }
}

/**
 * The run's graph (each step and the steps it waits for, as the run was started: a later edit of the
 * pipeline does not change it) and its timeline, from its history read once (a 50-step run's
 * history is a few hundred events).
 */
export async function runTimeline(client: Client, runId: string, steps: readonly StepState[]) {
  const history = await client.workflow.getHandle(runId).fetchHistory();
  const input = runInputFromHistory(history, runId);
  const graph = input.spec.steps.map((s) => ({ step: s.name, after: [...s.after] }));
  return { graph, attempts: attemptsFromHistory(history.events ?? [], steps, graph.map((s) => s.step)) };
}
