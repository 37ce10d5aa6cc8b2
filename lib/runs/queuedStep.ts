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

const secondsSince = (time: string, now: number) => Math.max(0, Math.round((now - Date.parse(time)) / 1000));
const lastPollText = (lastPollAt: string | null, now: number) => (lastPollAt === null ? '' : `, the latest ${secondsSince(lastPollAt, now)} s ago`);

/** A queued step in words, for `cairn status` and the run page. */
export function queuedText(queued: QueuedStep, now = Date.now()): string {
  const waited = `queued ${secondsSince(queued.since, now)} s`;
  const lastPoll = lastPollText(queued.lastPollAt, now);
  if (queued.workersPolling > 0) {
    // A worker with a free slot would have taken it; one that polled lately is busy, or has stopped since (Temporal cannot tell which).
    return `${waited}: ${queued.workersPolling} worker(s) polled task queue '${queued.taskQueue}' in the last ${POLLER_FRESH_MS / 1000} s${lastPoll}, and none has taken it (busy, or stopped since)`;
  }
  const start = queued.queue === null ? 'cairn worker' : `cairn worker --queue ${queued.queue}, or for Python steps python -m cairn_steps.worker --queue ${queued.queue}`;
  return `${waited}: no worker has polled task queue '${queued.taskQueue}' in the last ${POLLER_FRESH_MS / 1000} s${lastPoll}; the step starts when one does (${start})`;
}

/**
 * Why an open run's steps could not be read: its state query went unanswered, and the pollers of the
 * run's own task queue say whether a worker serves it at all (none: the run waits for one) or is
 * there and slow (busy, or replaying a long history). `polling` is null when that could not be asked.
 */
export function unansweredStateText(reason: string, taskQueue: string, polling: Pick<QueuedStep, 'workersPolling' | 'lastPollAt'> | null, now = Date.now()): string {
  const unanswered = `no worker answered the state query (${reason})`;
  if (polling === null) return unanswered;
  const lastPoll = lastPollText(polling.lastPollAt, now);
  if (polling.workersPolling > 0) return `${unanswered}: ${polling.workersPolling} worker(s) polled task queue '${taskQueue}' in the last ${POLLER_FRESH_MS / 1000} s${lastPoll}, busy or replaying a long history; ask again`;
  return `${unanswered}: no worker has polled task queue '${taskQueue}' in the last ${POLLER_FRESH_MS / 1000} s${lastPoll}; the run goes on when one does (cairn worker)`;
}
