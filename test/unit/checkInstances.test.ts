import { describe, expect, it } from 'vitest';
import { instanceProblems } from '../../lib/serving/checkInstances';

// What the serving route promises a client (README "Serving"): every feature present, null for an
// unknown value, numbers finite, categories text or boolean, and each problem named by instance and
// field with the value that was sent.

const model = { features: [{ name: 'temp', kind: 'numeric' as const }, { name: 'city', kind: 'categorical' as const }] };

describe('prediction instances', () => {
  it('accepts every feature given, and null for an unknown one; ignores fields the model does not read', () => {
    expect(instanceProblems(model, [{ temp: 21.5, city: 'Köln' }, { temp: null, city: null, extra: [1] }, { temp: -3, city: true }])).toEqual([]);
  });

  it('names the instance and the field of every problem', () => {
    expect(instanceProblems(model, [{ temp: 1, city: 'a' }, { city: 'b' }, 'a row', { temp: '5', city: 7 }])).toEqual([
      { path: 'instances.1.temp', message: 'missing (send null for an unknown value)' },
      { path: 'instances.2', message: 'expected an object of feature values' },
      { path: 'instances.3.temp', message: 'expected a finite number, got "5"' },
      { path: 'instances.3.city', message: 'expected text, got 7' },
    ]);
  });

  it('names a number too large for a double as what JSON.parse made of it, not as null', () => {
    const [instance] = JSON.parse('[{"temp": 1e400, "city": "x"}]') as unknown[];
    expect(instanceProblems(model, [instance, { temp: Number.NaN, city: 'x' }])).toEqual([
      { path: 'instances.0.temp', message: 'expected a finite number, got Infinity' },
      { path: 'instances.1.temp', message: 'expected a finite number, got NaN' },
    ]);
  });

  it('quotes at most 80 characters of a long value instead of sending it all back', () => {
    const [problem] = instanceProblems(model, [{ temp: 'x'.repeat(100_000), city: 'a' }]);
    expect(problem?.message.length).toBeLessThan(120);
    expect(problem?.message).toMatch(/^expected a finite number, got "x{76}\.\.\.$/);
  });
});
