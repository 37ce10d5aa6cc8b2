import { appendFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashKey } from '../../lib/auth/apiKeys';
import { DependencyUnavailableError } from '../../lib/errors';
import { failedDependency } from '../../lib/faults/dependencyFailure';
import { whenTemporalReachable } from '../../lib/temporalWhenReachable';
import { toError } from '../../lib/faults/toError';
import { PredictionJournal } from '../../lib/serving/predictionJournal';
import { PredictionLog, type LoggedPrediction } from '../../lib/serving/predictionLog';
import type { Pool } from 'pg';
import type { Store } from '../../lib/store/openStore';
import { KeyRing } from '../../server/security/keyRing';
import { jsonBytes } from '../../workflows/jsonBytes';
import { boundedSnapshot, createRunState } from '../../workflows/runState';
import { OMITTED_OUTPUT } from '../../lib/runContract/types';
import { infrastructureBackoffMs } from '../../lib/faults/backoff';
import { stepBackoffMs } from '../../workflows/stepAttempts';

describe('telling a dependency that is down from a bad request', () => {
  it('names PostgreSQL, Temporal or the network from the codes each library sets', () => {
    const withCode = (code: unknown, message = 'x') => Object.assign(new Error(message), { code });
    expect(failedDependency(withCode('57P01'))).toBe('postgres'); // admin shutdown
    expect(failedDependency(withCode('08006'))).toBe('postgres'); // connection failure
    expect(failedDependency(new Error('Connection terminated unexpectedly'))).toBe('postgres');
    expect(failedDependency(new Error('Query read timeout'))).toBe('postgres');
    expect(failedDependency(withCode('ECONNREFUSED'))).toBe('network');
    expect(failedDependency(Object.assign(new Error('14 UNAVAILABLE'), { code: 14, metadata: {} }))).toBe('temporal');
    expect(failedDependency(Object.assign(new Error('4 DEADLINE_EXCEEDED'), { code: 4, metadata: {} }))).toBe('temporal');
    expect(failedDependency(new Error('wrapped', { cause: withCode('ECONNRESET') }))).toBe('network');
    expect(failedDependency(new DependencyUnavailableError('postgres', new Error('x')))).toBe('postgres');
    // @temporalio/client's Connection.connect when nothing answers within connectTimeout.
    expect(failedDependency(new Error('Failed to connect before the deadline'))).toBe('temporal');
  });

  it('waits for a Temporal that does not answer, and names the address for any other failure', async () => {
    const waited: number[] = [];
    const refused = Object.assign(new Error('tcp connect error'), { name: 'TransportError' });
    let tries = 0;
    const connected = await whenTemporalReachable('temporal:7233', async () => (++tries < 4 ? Promise.reject(refused) : 'connection'), async (ms) => void waited.push(ms));
    expect(connected).toBe('connection');
    expect(waited).toEqual([1_000, 2_000, 4_000]);
    const denied = whenTemporalReachable('temporal:7233', () => Promise.reject(new Error('invalid peer certificate: UnknownIssuer\nmore detail')), async () => undefined);
    await expect(denied).rejects.toThrow(/^cannot connect to Temporal at temporal:7233 \(TEMPORAL_ADDRESS\): invalid peer certificate: UnknownIssuer$/);
  });

  it('leaves errors of the request itself alone', () => {
    expect(failedDependency(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBeUndefined();
    expect(failedDependency(Object.assign(new Error('3 INVALID_ARGUMENT'), { code: 3, metadata: {} }))).toBeUndefined();
    expect(failedDependency(new TypeError('x is undefined'))).toBeUndefined();
    expect(failedDependency(null)).toBeUndefined();
  });
});

describe('whatever a step throws becomes a readable error', () => {
  it('keeps an Error, and says what a string, null, undefined or an object was', () => {
    const error = new RangeError('too big');
    expect(toError(error)).toBe(error);
    expect(toError('plain text').message).toBe('plain text');
    expect(toError(null).message).toBe('a non-Error value was thrown: null');
    expect(toError(undefined).message).toBe('a non-Error value was thrown: undefined');
    expect(toError(42).message).toBe('a non-Error value was thrown: 42');
    expect(toError({ code: 42 }).message).toBe('a non-Error object was thrown: {"code":42}');
    expect(toError(new Error('')).message).toBe('Error (no message)');
  });

  it('keeps a plain object’s name, so its retry policy survives', () => {
    const error = toError({ name: 'DataError', message: 'row 3 is bad' });
    expect([error.name, error.message]).toEqual(['DataError', 'row 3 is bad']);
  });

  it('describes an object that cannot be serialised', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(toError(circular).message).toBe('a non-Error object was thrown: [object Object]');
  });
});

describe('retry timing', () => {
  it('backs off 1 s doubling to 30 s for infrastructure, and by the step policy otherwise', () => {
    expect([0, 1, 2, 5, 20].map(infrastructureBackoffMs)).toEqual([1_000, 2_000, 4_000, 30_000, 30_000]);
    const retry = { maximumAttempts: 5, initialIntervalMs: 200, backoffCoefficient: 2, maximumIntervalMs: 1_000 };
    expect([1, 2, 3, 4].map((a) => stepBackoffMs(retry, a))).toEqual([200, 400, 800, 1_000]);
  });
});

describe('snapshots within the payload limit', () => {
  const spec = {
    specVersion: 1 as const,
    pipeline: 'p',
    description: '',
    hash: 'a'.repeat(64),
    onFailure: { mode: 'await_operator' as const, operatorTimeoutMs: 1 },
    steps: ['a', 'b', 'c'].map((name) => ({ name, activity: 'x', after: [], config: {}, retry: { maximumAttempts: 1, initialIntervalMs: 1, backoffCoefficient: 1, maximumIntervalMs: 1 }, startToCloseTimeoutMs: 1, heartbeatTimeoutMs: null, taskQueue: null, whenUpstreamSkipped: 'run' as const })),
  };

  it('counts UTF-8 bytes as JSON would send them', () => {
    expect(jsonBytes('é')).toBe(Buffer.byteLength(JSON.stringify('é')));
    expect(jsonBytes({ a: '𝄞€x' })).toBe(Buffer.byteLength(JSON.stringify({ a: '𝄞€x' })));
  });

  it('leaves out the largest outputs first, saying how big each was', () => {
    const run = createRunState(spec, 'test', '2026-01-01T00:00:00Z');
    run.steps.get('a')!.output = 'x'.repeat(5_000);
    run.steps.get('b')!.output = 'y'.repeat(3_000);
    run.steps.get('c')!.output = 'small';
    const bounded = boundedSnapshot(run, 4_000);
    expect(jsonBytes(bounded)).toBeLessThanOrEqual(4_000);
    expect(bounded.steps.map((s) => s.output)).toEqual([{ [OMITTED_OUTPUT]: 5_002 }, 'y'.repeat(3_000), 'small']);
    expect(run.steps.get('a')!.output).toBe('x'.repeat(5_000)); // the run's own state is untouched
  });
});

describe('API keys while the store is unreachable', () => {
  const failing = { pool: { query: () => Promise.reject(new DependencyUnavailableError('postgres', new Error('refused'))) } } as unknown as Store;
  const working = (sha256: string) => ({ pool: { query: () => Promise.resolve({ rows: [{ id: 'k1', role: 'operator', sha256, created_at: new Date(), revoked_at: null }] }) as unknown } }) as unknown as Store;

  it('accepts environment keys without reading the store', () => {
    const ring = new KeyRing([{ role: 'admin', sha256: hashKey('env-key-0123456789') }], failing);
    expect(ring.identifyFromEnv('env-key-0123456789')).toEqual({ id: 'env-1', role: 'admin' });
  });

  it('keeps the last stored keys for the stale window, then says the set is incomplete (never empty = open)', async () => {
    let store: Store = working(hashKey('stored-key-0123456789'));
    const ring = new KeyRing([], { get pool() { return store.pool; } } as Store, { cacheMs: 0, staleMs: 50 });
    expect((await ring.keys()).keys).toHaveLength(1);
    store = failing;
    expect(await ring.keys()).toMatchObject({ complete: true, keys: [{ id: 'k1' }] });
    await new Promise((r) => setTimeout(r, 80));
    expect(await ring.keys()).toEqual({ keys: [], complete: false });
  });
});

describe('prediction log backpressure', () => {
  it('refuses rows past its buffer with a 503-shaped error instead of dropping them silently', async () => {
    const neverAnswers = { query: () => new Promise(() => undefined) } as unknown as Pool;
    const log = new PredictionLog(neverAnswers, { maxBuffered: 3, flushIntervalMs: 60_000 });
    const row = (requestId: string): LoggedPrediction => ({ model: 'm', version: 1, alias: null, requestId, item: 0, features: {}, prediction: 'x', predictedAt: new Date() });
    log.append([row('a'), row('b')]);
    expect(() => log.append([row('c'), row('d')])).toThrow(DependencyUnavailableError);
    expect(log.isPending('m', 'b')).toBe(true);
    expect(log.isPending('m', 'c')).toBe(false);
  });
});

describe('prediction journal', () => {
  const row = (requestId: string): LoggedPrediction => ({ model: 'm', version: 1, alias: null, requestId, item: 0, features: { a: 1 }, prediction: 'x', predictedAt: new Date('2026-01-01T00:00:00Z') });

  it('replays what a killed process journaled, skips a torn last line, and drops segments once written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-journal-'));
    const first = await PredictionJournal.open(dir);
    await first.journal.append([row('r1'), row('r2')]);
    // The process dies: no close(), and half a line that was never acknowledged.
    writeFileSync(join(dir, 'LOCK'), '999999999');
    appendFileSync(join(dir, readdirSync(dir).find((n) => n.startsWith('segment-'))!), '{"model":"m","requ');
    const second = await PredictionJournal.open(dir);
    expect(second.recovered.map((r) => r.requestId)).toEqual(['r1', 'r2']);
    expect(second.recovered[0]?.predictedAt).toEqual(new Date('2026-01-01T00:00:00Z'));
    const sealed = await second.journal.seal();
    await second.journal.remove(sealed);
    await second.journal.close();
    const third = await PredictionJournal.open(dir);
    expect(third.recovered).toEqual([]);
    await third.journal.close();
  });

  it('refuses a directory another live process holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cairn-journal-'));
    writeFileSync(join(dir, 'LOCK'), String(process.ppid));
    await expect(PredictionJournal.open(dir)).rejects.toThrow(`is in use by process ${process.ppid}`);
  });
});

