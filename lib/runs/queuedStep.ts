/**
 * A step whose activity Temporal holds in its task queue, started by no worker yet. The workflow
 * shows it as `running` (as far as the run goes, it is), which told an operator nothing when no
 * worker serves the queue (a Python worker that did not start, a `queue: 'gpu'` nobody runs): the
 * step sat there for good. Kept apart from lib/runs/queuedSteps.ts so the CLI reads it without
 * loading Temporal's protobufs.
 */
export interface QueuedStep {
  /** When Temporal scheduled the execution that waits. */
  since: string;
  taskQueue: string;
  /** The queue the step declared (`queue: 'python'`), or null for the pipelines' own queue. */
  queue: string | null;
  /** Workers that polled the task queue within POLLER_FRESH_MS: none means no worker serves it now. */
  workersPolling: number;
  /** The latest poll Temporal remembers on the task queue, or null. */
  lastPollAt: string | null;
}

/** An idle worker polls again at least every minute (the server's long-poll expiry); older polls are workers gone, or busy. */
export const POLLER_FRESH_MS = 75_000;

/** A queued step in words, for `cairn status` and the run page. */
export function queuedText(queued: QueuedStep, now = Date.now()): string {
  const secondsSince = (time: string) => Math.max(0, Math.round((now - Date.parse(time)) / 1000));
  const waited = `queued ${secondsSince(queued.since)} s`;
  const lastPoll = queued.lastPollAt === null ? '' : `, the latest ${secondsSince(queued.lastPollAt)} s ago`;
  if (queued.workersPolling > 0) {
    // A worker with a free slot would have taken it; one that polled lately is busy, or has stopped since (Temporal cannot tell which).
    return `${waited}: ${queued.workersPolling} worker(s) polled task queue '${queued.taskQueue}' in the last ${POLLER_FRESH_MS / 1000} s${lastPoll}, and none has taken it (busy, or stopped since)`;
  }
  const start = queued.queue === null ? 'cairn worker' : `cairn worker --queue ${queued.queue}, or for Python steps python -m cairn_steps.worker --queue ${queued.queue}`;
  return `${waited}: no worker has polled task queue '${queued.taskQueue}' in the last ${POLLER_FRESH_MS / 1000} s${lastPoll}; the step starts when one does (${start})`;
}
