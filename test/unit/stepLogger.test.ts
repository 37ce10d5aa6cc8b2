import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { StepLogger, type StepLogSink } from '../../lib/logs/stepLogger';
import { MAX_LOG_MESSAGE_CHARS, type PendingStepLogLine } from '../../lib/logs/stepLogLine';

// A step's log must never fail or stall the step, and must not lose lines to a short outage of the
// store: held lines are sent once it answers again, in order, each once.

function workerLog() {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'debug' }, { write: (text: string) => void lines.push(JSON.parse(text) as Record<string, unknown>) });
  return { log, lines };
}

/** A store that refuses the first `failures` batches, then keeps what it is sent. */
function flakySink(failures: number) {
  const stored: PendingStepLogLine[] = [];
  let left = failures;
  const sink: StepLogSink = async (lines) => {
    if (left-- > 0) throw new Error('connection refused');
    stored.push(...lines);
  };
  return { sink, stored };
}

describe('StepLogger', () => {
  it('writes every line to the worker log, bound to the run and step, and to the store when the step ends', async () => {
    const worker = workerLog();
    const { sink, stored } = flakySink(0);
    const log = new StepLogger({ attempt: 2, workerLog: worker.log, bindings: { runId: 'r1', step: 'train' }, sink });
    log.info('hello', { rows: 3 });
    log.warn('careful');
    expect(stored).toEqual([]); // batched, not one write per line
    await log.close();
    expect(stored.map((l) => [l.attempt, l.level, l.message, l.fields])).toEqual([
      [2, 'info', 'hello', { rows: 3 }],
      [2, 'warn', 'careful', null],
    ]);
    expect(worker.lines.map((l) => [l.runId, l.step, l.msg, l.rows])).toEqual([
      ['r1', 'train', 'hello', 3],
      ['r1', 'train', 'careful', undefined],
    ]);
  });

  it('holds lines through an outage and sends them, in order and once, when the store answers', async () => {
    const worker = workerLog();
    const { sink, stored } = flakySink(2);
    const log = new StepLogger({ attempt: 1, workerLog: worker.log, bindings: {}, sink });
    for (let i = 0; i < 450; i++) log.info(`line ${i}`); // two batches attempted during the outage
    await new Promise((resolve) => setTimeout(resolve, 10));
    await log.close();
    expect(stored.map((l) => l.message)).toEqual(Array.from({ length: 450 }, (_, i) => `line ${i}`));
    expect(worker.lines.filter((l) => String(l.msg).includes('did not take')).length).toBe(1); // said once, not per batch
  });

  it('drops the oldest lines past 5,000 held, and says how many when the store is back', async () => {
    const worker = workerLog();
    let refusing = true;
    const stored: PendingStepLogLine[] = [];
    const log = new StepLogger({ attempt: 1, workerLog: worker.log, bindings: {}, sink: async (lines) => {
      if (refusing) throw new Error('down');
      stored.push(...lines);
    } });
    for (let i = 0; i < 5_300; i++) log.info(`line ${i}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
    refusing = false;
    await log.close();
    expect(stored[0]!.message).toMatch(/^\d+ log lines were dropped while the store did not answer$/);
    const dropped = Number(stored[0]!.message.split(' ')[0]);
    const kept = stored.slice(1).map((l) => l.message);
    expect(dropped + kept.length).toBe(5_300);
    expect(kept.at(-1)).toBe('line 5299');
    expect(kept[0]).toBe(`line ${dropped}`);
  });

  it('never throws when the store stays down, and reports what it could not store', async () => {
    const worker = workerLog();
    const log = new StepLogger({ attempt: 1, workerLog: worker.log, bindings: {}, sink: async () => Promise.reject(new Error('down')) });
    log.error('lost?');
    await expect(log.close()).resolves.toBeUndefined();
    expect(worker.lines.find((l) => l.unsent === 1)).toBeDefined();
  });

  it('bounds a line: a long message is cut, large or unserializable fields are replaced by a note', async () => {
    const worker = workerLog();
    const { sink, stored } = flakySink(0);
    const log = new StepLogger({ attempt: 1, workerLog: worker.log, bindings: {}, sink });
    log.info('x'.repeat(MAX_LOG_MESSAGE_CHARS + 100));
    log.info('big', { blob: 'y'.repeat(20_000) });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    log.info('cyclic', cyclic);
    log.info('values', { n: 10n, error: new Error('boom') });
    await log.close();
    expect(stored[0]!.message).toBe(`${'x'.repeat(MAX_LOG_MESSAGE_CHARS)}… (100 more characters)`);
    expect(stored[1]!.fields).toEqual({ truncated: expect.stringContaining('characters of fields') });
    expect(stored[2]!.fields).toEqual({ unserializable: expect.stringContaining('circular') });
    expect(stored[3]!.fields).toEqual({ n: '10', error: { name: 'Error', message: 'boom' } });
  });

  it('without a store, logs to the worker only and holds nothing', async () => {
    const worker = workerLog();
    const log = new StepLogger({ attempt: 1, workerLog: worker.log, bindings: {}, sink: undefined });
    log.debug('only here');
    await log.close();
    expect(worker.lines.map((l) => l.msg)).toEqual(['only here']);
  });

  it('keeps a line with the run without echoing it to the worker log (what the worker logged already)', async () => {
    const worker = workerLog();
    const { sink, stored } = flakySink(0);
    const log = new StepLogger({ attempt: 1, workerLog: worker.log, bindings: {}, sink });
    log.keep('error', 'attempt 1 failed: boom', { type: 'Error' });
    await log.close();
    expect(stored.map((l) => [l.level, l.message, l.fields])).toEqual([['error', 'attempt 1 failed: boom', { type: 'Error' }]]);
    expect(worker.lines).toEqual([]);
  });
});
