/**
 * Progress reporting, the heartbeat of the data stages. Promised: work in flight is reported every
 * second while it is pending and never after it settles; a caller that ignores progress pays no timer;
 * a row loop reports every Nth row, not every row.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { everyNth, ignoreProgress, reportWhilePending } from '../../lib/progress';
import { withDuckDb } from '../../lib/data/duckdb';

afterEach(() => vi.useRealTimers());

describe('reportWhilePending', () => {
  it('reports once a second while the work is pending, and stops when it settles', async () => {
    vi.useFakeTimers();
    const heard: unknown[] = [];
    let finish!: (value: string) => void;
    const work = new Promise<string>((resolve) => (finish = resolve));
    const reported = reportWhilePending((d) => heard.push(d), { phase: 'x' }, work);
    await vi.advanceTimersByTimeAsync(3_500);
    expect(heard).toEqual([{ phase: 'x' }, { phase: 'x' }, { phase: 'x' }]);
    finish('done');
    expect(await reported).toBe('done');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(heard).toHaveLength(3);
  });

  it('passes a rejection through and stops reporting', async () => {
    vi.useFakeTimers();
    const heard: unknown[] = [];
    const failing = reportWhilePending((d) => heard.push(d), {}, Promise.reject(new Error('boom')));
    await expect(failing).rejects.toThrow('boom');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(heard).toHaveLength(0);
  });

  it('starts no timer for a caller that ignores progress', async () => {
    vi.useFakeTimers();
    const pending = reportWhilePending(ignoreProgress, {}, new Promise(() => undefined));
    expect(vi.getTimerCount()).toBe(0);
    void pending;
  });
});

describe('everyNth', () => {
  it('reports every Nth count only', () => {
    const heard: unknown[] = [];
    const counted = everyNth((d) => heard.push(d), 10_000, (rows) => ({ rows }));
    for (let row = 1; row <= 25_000; row++) counted(row);
    expect(heard).toEqual([{ rows: 10_000 }, { rows: 20_000 }]);
  });
});

describe('withDuckDb with progress', () => {
  it('reports its statements as work in flight, and the connection still answers', async () => {
    // Grow the work until one statement has lasted well past a beat (the machine's speed varies); it needs no memory.
    for (let rows = 1e8; rows <= 6.4e9; rows *= 4) {
      const heard: unknown[] = [];
      const started = Date.now();
      const result = await withDuckDb(async (connection) => {
        return (await connection.runAndReadAll(`SELECT count(*)::BIGINT AS n FROM range(${rows}) r(i) WHERE hash(i) % 7 <> 7`)).getRowObjectsJS();
      }, (d) => heard.push(d));
      expect(result).toEqual([{ n: BigInt(rows) }]);
      if (Date.now() - started < 2_500) continue;
      expect(heard.length).toBeGreaterThan(0);
      expect(heard.every((d) => (d as { phase: string }).phase === 'duckdb')).toBe(true);
      return;
    }
    throw new Error('no statement lasted 2.5 s');
  }, 120_000);
});
