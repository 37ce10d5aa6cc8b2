import { msNumberToTs } from '@temporalio/common/lib/time.js';
import type { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { attemptsFromHistory } from '../../lib/runs/stepTimeline';
import type { StepState } from '../../lib/runContract/types';

// A run's timeline is read off its history: each execution of a step is one activity task with its
// own events (activity ids `<step>#<round>` then `.<n>`), and steps without a task of their own
// (light, cached, reused) are drawn from their state.
const time = (second: number) => msNumberToTs((1_800_000_000 + second) * 1000);
let nextId = 1;
// Event ids are Longs on the wire; the timeline only compares them as text.
const event = (second: number, attributes: Record<string, unknown>) => ({ eventId: nextId++, eventTime: time(second), ...attributes }) as unknown as temporal.api.history.v1.IHistoryEvent;
const scheduled = (second: number, activityId: string) => event(second, { activityTaskScheduledEventAttributes: { activityId } });
const started = (second: number, scheduledEventId: number) => event(second, { activityTaskStartedEventAttributes: { scheduledEventId } });
const completed = (second: number, scheduledEventId: number) => event(second, { activityTaskCompletedEventAttributes: { scheduledEventId } });
const failed = (second: number, scheduledEventId: number, message: string) => event(second, { activityTaskFailedEventAttributes: { scheduledEventId, failure: { message } } });

const step = (name: string, overrides: Partial<StepState> = {}): StepState => ({
  name,
  activity: 'work',
  status: 'succeeded',
  round: 1,
  startedAt: null,
  finishedAt: null,
  error: null,
  output: null,
  operatorNotes: [],
  reusedFrom: null,
  ...overrides,
});

describe('attemptsFromHistory', () => {
  it('gives one bar per execution, with its outcome and failure, and ignores activities that are not steps', () => {
    nextId = 1;
    const events = [
      scheduled(0, 'fit#1'), // 1
      started(1, 1),
      failed(3, 1, 'out of memory'),
      scheduled(4, 'fit#1.2'), // 4
      started(4, 4),
      completed(9, 4),
      scheduled(9, 'cairn-cache-lookup'), // 7: bookkeeping, not a step
      scheduled(10, 'fit#2'), // 8: an operator's second round, still running
      started(11, 8),
    ];
    const attempts = attemptsFromHistory(events, [step('fit', { round: 2, status: 'running' })]);
    expect(attempts.map((a) => [a.step, a.round, a.execution, a.outcome, a.failure])).toEqual([
      ['fit', 1, 1, 'failed', 'out of memory'],
      ['fit', 1, 2, 'succeeded', null],
      ['fit', 2, 1, 'running', null],
    ]);
    expect(attempts[0]).toMatchObject({ source: 'history', scheduledAt: '2027-01-15T08:00:00.000Z', startedAt: '2027-01-15T08:00:01.000Z', closedAt: '2027-01-15T08:00:03.000Z' });
    expect(attempts[2]?.closedAt).toBeNull();
  });

  it("draws a step with no activity task of its own (light, cached) from its state, and a map item's prefix names its step", () => {
    nextId = 1;
    const events = [scheduled(0, '3.1:score#1'), completed(2, 1)];
    const steps = [
      step('score'),
      step('light', { local: true, startedAt: '2027-01-15T08:00:05.000Z', finishedAt: '2027-01-15T08:00:05.010Z' }),
      step('waiting', { status: 'pending' }),
    ];
    const attempts = attemptsFromHistory(events, steps);
    expect(attempts.map((a) => `${a.step} ${a.source} ${a.outcome}`)).toEqual(['score history succeeded', 'light state succeeded']);
  });
});
