/** The words an operator reads for a step (or a whole run) that no worker has taken. */
import { describe, expect, it } from 'vitest';
import { queuedText, unansweredStateText } from '../../lib/runs/queuedStep';

const now = Date.parse('2026-12-07T12:00:00Z');
const ago = (seconds: number) => new Date(now - seconds * 1000).toISOString();

describe('queuedText', () => {
  it('says no worker polls the queue, and how to start one for a declared queue', () => {
    expect(queuedText({ since: ago(63), taskQueue: 'cairn-python', queue: 'python', workersPolling: 0, lastPollAt: null }, now)).toBe(
      "queued 63 s: no worker has polled task queue 'cairn-python' in the last 75 s; the step starts when one does (cairn worker --queue python, or for Python steps python -m cairn_steps.worker --queue python)",
    );
  });
  it('says workers polled lately and none took the step', () => {
    expect(queuedText({ since: ago(10), taskQueue: 'cairn', queue: null, workersPolling: 2, lastPollAt: ago(3) }, now)).toBe(
      "queued 10 s: 2 worker(s) polled task queue 'cairn' in the last 75 s, the latest 3 s ago, and none has taken it (busy, or stopped since)",
    );
  });
});

describe('unansweredStateText', () => {
  const reason = 'Query timed out';
  it('names the run task queue no worker polls, with the latest poll Temporal remembers', () => {
    expect(unansweredStateText(reason, 'cairn', { workersPolling: 0, lastPollAt: ago(400) }, now)).toBe(
      "no worker answered the state query (Query timed out): no worker has polled task queue 'cairn' in the last 75 s, the latest 400 s ago; the run goes on when one does (cairn worker)",
    );
  });
  it('tells workers that are there but slow from none at all', () => {
    expect(unansweredStateText(reason, 'cairn', { workersPolling: 1, lastPollAt: ago(2) }, now)).toBe(
      "no worker answered the state query (Query timed out): 1 worker(s) polled task queue 'cairn' in the last 75 s, the latest 2 s ago, busy or replaying a long history; ask again",
    );
  });
  it('gives the query error alone when the pollers could not be asked', () => {
    expect(unansweredStateText(reason, 'cairn', null, now)).toBe('no worker answered the state query (Query timed out)');
  });
});
