import { logLine } from '../../cli/commands/logs';
import { describe, expect, it } from 'vitest';
import { operatorHints, outputSummaryLines, runLines } from '../../cli/format';
import type { RunAnswer as RunView, StepAnswer as StepView } from '../../cli/answers';

const step = (name: string, status: StepView['status']): StepView => ({
  name,
  activity: 'noop',
  status,
  round: status === 'pending' || status === 'awaiting_approval' ? 0 : 1,
  startedAt: null,
  finishedAt: null,
  error: status === 'awaiting_operator' ? { message: 'warehouse unavailable', type: 'Error', nonRetryable: false } : null,
  output: null,
  operatorNotes: [],
  reusedFrom: null,
  attempt: null,
  lastFailure: null,
  queued: null,
});

const run = (steps: StepView[]): RunView => ({
  runId: 'cairn:p:cli:1',
  temporalRunId: 'r',
  pipeline: 'p',
  trigger: 'cli',
  status: 'awaiting_operator',
  temporalStatus: 'RUNNING',
  startTime: '2026-11-27T00:00:00Z',
  closeTime: null,
  logicalDate: null,
  specHash: null,
  traceId: null,
  startedBy: { principal: 'key:abc', role: 'operator' },
  abortReason: null,
  steps,
  links: { self: '/api/v1/runs/cairn%3Ap%3Acli%3A1', page: '/ui/runs/cairn%3Ap%3Acli%3A1', web: null },
});

describe('what `cairn status` shows an operator', () => {
  it('gives the exact commands for a failed step and for a step waiting for approval', () => {
    const view = run([step('export', 'awaiting_operator'), step('ship', 'awaiting_approval'), step('after', 'pending')]);
    expect(operatorHints(view)).toEqual([
      "step 'export' awaits an operator: cairn retry cairn:p:cli:1 export | cairn skip cairn:p:cli:1 export | cairn abort cairn:p:cli:1",
      "step 'ship' awaits approval: cairn approve cairn:p:cli:1 ship | cairn reject cairn:p:cli:1 ship --reason '...'",
    ]);
    const lines = runLines(view);
    expect(lines[2]).toMatch(/^ {2}\? ship\s+awaiting_approval/);
    expect(lines[1]).toMatch(/warehouse unavailable/);
  });

  it("shows where a failed step's code threw (three frames), marks a reused step, and offers nothing for a finished run", () => {
    const failed = { ...step('export', 'awaiting_operator'), error: { message: 'boom', type: 'Error', nonRetryable: false, stack: 'at run (steps/export.ts:3:9)\nat a (x.ts:1:1)\nat b (y.ts:2:2)\nat c (z.ts:3:3)' } };
    const reused = { ...step('load', 'succeeded'), reusedFrom: 'cairn:p:cli:0' };
    const lines = runLines(run([reused, failed]));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}✔ load\s+succeeded \(reused\)/));
    expect(runLines(run([{ ...step('tick', 'succeeded'), local: true }]))).toContainEqual(expect.stringMatching(/^ {2}✔ tick\s+succeeded \(light\)/));
    const at = lines.findIndex((line) => line.includes('boom'));
    expect(lines.slice(at + 1, at + 4)).toEqual(['      at run (steps/export.ts:3:9)', '      at a (x.ts:1:1)', '      at b (y.ts:2:2)']);
    expect(lines.some((line) => line.includes('z.ts'))).toBe(false);
    expect(operatorHints({ ...run([failed]), status: 'failed', closeTime: '2026-12-02T00:00:00Z' })).toEqual([]);
  });

  it('says why a step was skipped: its last note', () => {
    const unmet = { ...step('ship', 'skipped'), operatorNotes: ["skipped: step 'score' gave promote = false; this step runs when promote is true"] };
    const byOperator = { ...step('load', 'skipped'), operatorNotes: ['retry by alice: flaky', 'skip by bob: supplier late'] };
    const lines = runLines(run([unmet, byOperator, step('done', 'succeeded')]));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}\S ship\s+skipped\s.* {2}skipped: step 'score' gave promote = false; this step runs when promote is true$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}\S load\s+skipped\s.* {2}skip by bob: supplier late$/));
    expect(lines.find((line) => line.includes(' done '))).not.toMatch(/skip/);
  });

  it('summarises what a finished run produced, one line per step, long outputs cut', () => {
    const done = run([
      { ...step('score', 'succeeded'), output: { metrics: { accuracy: 0.815 }, holdoutRows: 292 } },
      { ...step('big', 'succeeded'), output: { text: 'x'.repeat(500) } },
      { ...step('quiet', 'succeeded'), output: null },
    ]);
    const lines = outputSummaryLines(done);
    expect(lines[0]).toBe('  score: {"metrics":{"accuracy":0.815},"holdoutRows":292}');
    expect(lines[1]?.length).toBe('  big: '.length + 160);
    expect(lines[1]?.endsWith('…')).toBe(true);
    expect(lines).toHaveLength(2);
  });

  it("shortens the artifact references in a user's step's output, where they once filled the line", () => {
    const ref = (sha: string, size: number, mediaType: string) => ({ mediaType, sha256: sha.repeat(64), size, uri: `cas://sha256/${sha.repeat(64)}` });
    const fit = { dataset: ref('a', 4183, 'application/vnd.apache.parquet'), model: ref('b', 904, 'application/json'), split: { seed: 42, testFraction: 0.2 }, trainRows: 275 };
    expect(outputSummaryLines(run([{ ...step('fit', 'succeeded'), output: fit }]))).toEqual([
      '  fit: {"dataset":"artifact aaaaaaaaaaaa (4,183 bytes)","model":"artifact bbbbbbbbbbbb (904 bytes)","split":{"seed":42,"testFraction":0.2},"trainRows":275}',
    ]);
    // Only references are shortened: an object that merely has a uri stays as written.
    const link = { uri: 'https://example.com/x', sha256: 'c'.repeat(64), size: 1 };
    expect(outputSummaryLines(run([{ ...step('link', 'succeeded'), output: { items: [link] } }]))[0]).toBe(`  link: ${JSON.stringify({ items: [link] })}`);
  });
});

describe('a step waiting in its task queue', () => {
  const since = '2026-12-07T10:00:00.000Z';
  const at = Date.parse(since) + 63_000;
  const queuedStep = (queued: StepView['queued']): StepView => ({ ...step('fit', 'running'), startedAt: since, queued });

  it('says no worker serves its queue, and how to start one for the queue the step declared', () => {
    const lines = runLines(run([queuedStep({ since, taskQueue: 'cairn-python', queue: 'python', workersPolling: 0, lastPollAt: '2026-12-07T09:58:00.000Z' })]), at);
    expect(lines).toContain(
      "      queued 63 s: no worker has polled task queue 'cairn-python' in the last 75 s, the latest 183 s ago; the step starts when one does (cairn worker --queue python, or for Python steps python -m cairn_steps.worker --queue python)",
    );
    expect(runLines(run([queuedStep({ since, taskQueue: 'cairn-pipelines', queue: null, workersPolling: 0, lastPollAt: null })]), at).join('\n')).toMatch(/in the last 75 s; the step starts when one does \(cairn worker\)$/m);
  });

  it('says workers polled it lately and none took it, and nothing for a step that started', () => {
    expect(runLines(run([queuedStep({ since, taskQueue: 'cairn-gpu', queue: 'gpu', workersPolling: 2, lastPollAt: '2026-12-07T10:00:40.000Z' })]), at)).toContain(
      "      queued 63 s: 2 worker(s) polled task queue 'cairn-gpu' in the last 75 s, the latest 23 s ago, and none has taken it (busy, or stopped since)",
    );
    expect(runLines(run([queuedStep(null)]), at).join('\n')).not.toContain('queued');
  });
});

describe('a log line in the terminal', () => {
  // Promised (README, "Writing a pipeline"): a failed attempt's last line is its error with the stack.
  // Read in a terminal, a traceback belongs on lines of its own, as Python and Node print one.
  it("prints a failed attempt's stack under its line, indented, and the other fields as JSON", () => {
    const traceback = 'Traceback (most recent call last):\n  File "steps.py", line 10, in div\n    return 10 / n\nZeroDivisionError: division by zero\n';
    const line = { at: '2026-12-07T15:31:04.641Z', step: 'py', attempt: 1, level: 'error' as 'error' | 'info', message: 'attempt 1 failed: division by zero', fields: { type: 'ZeroDivisionError', stack: traceback } };
    expect(logLine(line).split('\n')).toEqual([
      '15:31:04.641 py#1 ERROR attempt 1 failed: division by zero {"type":"ZeroDivisionError"}',
      '    Traceback (most recent call last):',
      '      File "steps.py", line 10, in div',
      '        return 10 / n',
      '    ZeroDivisionError: division by zero',
    ]);
    expect(logLine({ ...line, level: 'info', message: 'read rows', fields: { rows: 3 } })).toBe('15:31:04.641 py#1 INFO  read rows {"rows":3}');
    expect(logLine({ ...line, level: 'info', message: 'no fields', fields: null })).toBe('15:31:04.641 py#1 INFO  no fields');
    // A field named stack that is not text stays in the JSON.
    expect(logLine({ ...line, level: 'info', message: 'm', fields: { stack: [1, 2] } })).toBe('15:31:04.641 py#1 INFO  m {"stack":[1,2]}');
  });
});
