import { describe, expect, it } from 'vitest';
import { toActivity } from '../../activities/stepActivity';
import { defineStep } from '../../lib/dsl';
import type { StepInput } from '../../lib/dsl/stepIo';
import { nonJsonAt } from '../../lib/nonJson';
import { scratchServices } from '../../lib/services';
import { activityEnvironment } from '../helpers/temporal';

// Promised: a step whose output JSON cannot hold is told which field and what is in it (it was
// "returned a value that is not plain JSON", no field named), goes to the operator without retries,
// and an optional field left undefined is dropped, as JSON.stringify drops it, not refused.
const cycle: Record<string, unknown> = { name: 'a' };
cycle.self = cycle;
const shared = { n: 1 };

describe('where a value stops being JSON', () => {
  const cases: [unknown, string | undefined][] = [
    [{ a: 1, b: 'x', c: [true, null], d: { e: -0.5 } }, undefined],
    [{ a: undefined, b: 1 }, undefined],
    [{ left: shared, right: shared }, undefined], // shared, not circular
    [{ at: new Date(0) }, 'output.at is a Date: return its text, date.toISOString()'],
    [{ n: 10n }, 'output.n is a bigint (10n): return Number(...) or String(...)'],
    [{ metrics: { loss: Number.NaN } }, 'output.metrics.loss is NaN, which JSON cannot hold: return null or a finite number'],
    [{ scores: [1, Number.POSITIVE_INFINITY] }, 'output.scores[1] is Infinity, which JSON cannot hold: return null or a finite number'],
    [{ list: [1, undefined] }, 'output.list[1] is undefined: return null'],
    [{ m: new Map() }, 'output.m is a Map: return Object.fromEntries(map)'],
    [{ s: new Set([1]) }, 'output.s is a Set: return [...set]'],
    [{ weights: new Float64Array(2) }, 'output.weights is a Float64Array: return Array.from(...), or store large data as an artifact'],
    [{ 'odd key': { f: () => 1 } }, 'output["odd key"].f is a function'],
    [{ error: new Error('x') }, 'output.error is a Error: return a plain object'],
    [cycle, 'output.self refers back to an object that contains it (a cycle)'],
  ];
  for (const [value, expected] of cases) {
    it(expected ?? `accepts ${JSON.stringify(value)}`, () => expect(nonJsonAt(value, 'output')).toBe(expected));
  }
});

describe("a step's output", () => {
  const input: StepInput = {
    run: { runId: 'r', temporalRunId: 't', pipeline: 'p', specHash: 'h', trigger: 'test', params: {}, logicalDate: '2026-12-02T00:00:00Z', step: 'make' },
    config: {},
    upstream: {},
  };
  const returning = (value: unknown) => toActivity(defineStep({ name: 'test-returns', run: () => value as never }), scratchServices());

  it('that JSON cannot hold fails as a ConfigError naming the field (a cycle too, which JSON.stringify refused with a retried TypeError)', async () => {
    for (const [value, field] of [
      [{ at: new Date(0) }, 'output.at is a Date'],
      [cycle, 'output.self refers back'],
    ] as const) {
      const failure = await activityEnvironment().run(returning(value), input).catch((error: unknown) => error);
      expect(failure).toMatchObject({ type: 'ConfigError' });
      expect((failure as Error).message).toContain(`step 'make' returned a value that is not plain JSON: ${field}`);
    }
  });

  it('drops a property left undefined, as JSON does', async () => {
    await expect(activityEnvironment().run(returning({ model: 'm', note: undefined }), input)).resolves.toEqual({ model: 'm' });
  });
});
