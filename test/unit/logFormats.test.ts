import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { humanLogLine } from '../../lib/humanLogLines';
import { PinoSdkLogger, sdkLogging } from '../../lib/sdkLogger';

// On a terminal a person reads `time LEVEL message key=value`, not JSON; and the Temporal SDK's lines
// come out of the same logger in the same format as Cairn's own.

describe('human log lines', () => {
  const at = Date.UTC(2026, 11, 6, 12, 3, 4, 512);

  it('shows the time, the level, the message and the fields, leaving out what every line has', () => {
    const json = JSON.stringify({ level: 40, time: at, pid: 1, hostname: 'h', service: 'cairn', msg: 'step failed', step: 'train', note: 'two words', attempt: 2 });
    expect(humanLogLine(json)).toBe('12:03:04.512 WARN  step failed step=train note="two words" attempt=2\n');
  });

  it("gives an error's message, and its stack at ERROR and above", () => {
    const err = { message: 'boom', stack: 'Error: boom\n    at f (x.ts:1:1)' };
    expect(humanLogLine(JSON.stringify({ level: 40, time: at, msg: 'retrying', err }))).toBe('12:03:04.512 WARN  retrying err=boom\n');
    expect(humanLogLine(JSON.stringify({ level: 50, time: at, msg: 'failed', err }))).toBe('12:03:04.512 ERROR failed err=boom\n    Error: boom\n    at f (x.ts:1:1)\n');
  });

  it('passes a line that is not JSON through unchanged', () => {
    expect(humanLogLine('plain text')).toBe('plain text\n');
  });
});

describe("the Temporal SDK's logs through pino", () => {
  function capture() {
    const lines: Record<string, unknown>[] = [];
    return { lines, log: pino({ level: 'trace' }, { write: (text: string) => void lines.push(JSON.parse(text) as Record<string, unknown>) }) };
  }

  it('keeps the level, the message and the metadata (not the symbol-keyed timestamp)', () => {
    const { lines, log } = capture();
    const sdk = new PinoSdkLogger(log);
    sdk.warn('Activity failed', { activityType: 'train', [Symbol('time')]: 1n });
    sdk.log('DEBUG', 'polling', { taskQueue: 'q' });
    sdk.error('oops');
    expect(lines.map((l) => [l.level, l.msg, l.activityType ?? l.taskQueue])).toEqual([
      [40, 'Activity failed', 'train'],
      [20, 'polling', 'q'],
      [50, 'oops', undefined],
    ]);
  });

  it('leaves out what is below the logger\'s level without reading its metadata', () => {
    const { lines, log } = capture();
    log.level = 'info';
    const sdk = new PinoSdkLogger(log);
    const meta = {
      get activityType(): string {
        throw new Error('metadata read for a line below the level');
      },
    };
    sdk.debug('Activity started', meta);
    sdk.trace('polling', meta);
    sdk.info('Worker state changed', { state: 'RUNNING' });
    expect(lines.map((l) => [l.level, l.msg])).toEqual([[30, 'Worker state changed']]);
  });

  it("marks the SDK's lines and forwards Core's native ones from WARN", () => {
    const { lines, log } = capture();
    const options = sdkLogging(log);
    options.logger.info('Worker state changed');
    expect(lines[0]).toMatchObject({ component: 'temporal', msg: 'Worker state changed' });
    expect(options.telemetryOptions.logging).toEqual({ filter: { core: 'WARN', other: 'WARN' }, forward: {} });
  });
});
