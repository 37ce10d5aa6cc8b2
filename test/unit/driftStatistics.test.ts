import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { categoricalDrift, countValues } from '../../lib/drift/categoricalDrift';
import { chiSquareSurvival, kolmogorovSurvival, logGamma } from '../../lib/drift/distributions';
import { numericDrift, quantileEdges } from '../../lib/drift/numericDrift';
import { sortedFinite } from '../../lib/drift/sortedFinite';
import { DriftThresholdsSchema, featureDrift } from '../../lib/drift/driftReport';

interface NumericCase {
  name: string;
  kind: 'numeric';
  reference: number[];
  current: number[];
  expected: { edges: number[]; histogram: { edges: number[]; reference: number[]; current: number[] }; psi: number; jensenShannon: number; wasserstein: number; ks: { statistic: number; pValueAsymp: number; pValueExact?: number } };
}
interface CategoricalCase {
  name: string;
  kind: 'categorical';
  reference: string[];
  current: string[];
  expected: { chiSquare: { statistic: number; dof: number; pValue: number }; psi: number; jensenShannon: number };
}

// Made by test/fixtures/reference/drift_reference.py with scipy (version recorded in the file).
const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/reference/drift-reference.json'), 'utf8')) as { cases: (NumericCase | CategoricalCase)[] };

const close = (actual: number, expected: number, relative = 1e-9) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.max(1, Math.abs(expected)));

describe('numeric drift statistics against scipy', () => {
  for (const c of fixture.cases.filter((c): c is NumericCase => c.kind === 'numeric')) {
    it(c.name, () => {
      const reference = sortedFinite(c.reference);
      const current = sortedFinite(c.current);
      expect(quantileEdges(reference, 10)).toHaveLength(c.expected.edges.length);
      quantileEdges(reference, 10).forEach((edge, i) => close(edge, c.expected.edges[i] as number));
      const stats = numericDrift(reference, current);
      // The drawn histogram: numpy.histogram's equal-width bins over both samples.
      expect(stats.histogram.edges).toHaveLength(c.expected.histogram.edges.length);
      stats.histogram.edges.forEach((edge, i) => close(edge, c.expected.histogram.edges[i] as number));
      stats.histogram.reference.forEach((share, i) => close(share, c.expected.histogram.reference[i] as number));
      stats.histogram.current.forEach((share, i) => close(share, c.expected.histogram.current[i] as number));
      close(stats.psi, c.expected.psi);
      close(stats.jensenShannon, c.expected.jensenShannon);
      close(stats.wasserstein, c.expected.wasserstein);
      close(stats.ks.statistic, c.expected.ks.statistic, 1e-12);
      // Cairn's p-value is the corrected Kolmogorov limit; scipy's asymp/exact methods are exact-distribution based.
      const scipyP = c.expected.ks.pValueExact ?? c.expected.ks.pValueAsymp;
      expect(Math.abs(stats.ks.pValue - scipyP), `p ${stats.ks.pValue} vs scipy ${scipyP}`).toBeLessThan(0.005);
    });
  }
});

describe('categorical drift statistics against scipy', () => {
  for (const c of fixture.cases.filter((c): c is CategoricalCase => c.kind === 'categorical')) {
    it(c.name, () => {
      const stats = categoricalDrift(countValues(c.reference), countValues(c.current));
      close(stats.chiSquare.statistic, c.expected.chiSquare.statistic);
      expect(stats.chiSquare.dof).toBe(c.expected.chiSquare.dof);
      close(stats.chiSquare.pValue, c.expected.chiSquare.pValue, 1e-8);
      close(stats.psi, c.expected.psi);
      close(stats.jensenShannon, c.expected.jensenShannon);
    });
  }
});

describe('tail probabilities against scipy.special / scipy.stats', () => {
  it('kolmogorov', () => {
    const expected: [number, number][] = [[0.3, 0.9999906941986655], [0.5, 0.9639452436648751], [1.0, 0.26999967167735456], [1.18, 0.1234538094297657], [2.0, 0.0006709252557796953], [3.0, 3.045995948942526e-8]];
    for (const [x, p] of expected) close(kolmogorovSurvival(x), p, 1e-10);
    expect(kolmogorovSurvival(0)).toBe(1);
  });
  it('chi-square survival and log-gamma', () => {
    const expected: [number, number, number][] = [[3.84, 1, 0.05004352124870519], [10, 3, 0.01856613546304325], [0.5, 7, 0.9994464813904249], [150, 100, 0.0009039320423540184], [1e-3, 2, 0.9995001249791693]];
    for (const [x, dof, p] of expected) close(chiSquareSurvival(x, dof), p, 1e-10);
    close(logGamma(0.5), 0.5723649429247, 1e-12);
    close(logGamma(3.5), 1.2009736023470743, 1e-12);
    close(logGamma(100.25), 360.28455963776423, 1e-12);
  });
});

describe('drift statistics, properties', () => {
  it('sortedFinite drops missing values and sorts like the built-in sort, radix path included', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double(), fc.integer({ min: -5, max: 5 })), { minLength: 0, maxLength: 9000 }), (values) => {
        const expected = Float64Array.from(values.filter(Number.isFinite).map((v) => v + 0)).sort();
        expect(sortedFinite(values)).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });
  it('a sample compared with itself shows no drift', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 500 }), (values) => {
        const sorted = sortedFinite(values);
        const stats = numericDrift(sorted, sorted);
        expect(stats.psi).toBe(0);
        expect(stats.ks.statistic).toBe(0);
        expect(stats.ks.pValue).toBe(1);
        expect(stats.wasserstein).toBe(0);
        expect(stats.jensenShannon).toBe(0);
      }),
    );
  });
  it('a shift by k moves the Wasserstein distance by exactly k', () => {
    const base = sortedFinite(Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 10));
    close(numericDrift(base, base.map((v) => v + 2.5)).wasserstein, 2.5, 1e-12);
  });
  it('an empty sample is an error, not NaN', () => {
    expect(() => numericDrift(new Float64Array(0), sortedFinite([1]))).toThrow(/at least one finite value/);
    expect(() => categoricalDrift(new Map(), countValues(['a']))).toThrow(/at least one value/);
  });
});

describe('a numeric column that arrives as text', () => {
  const thresholds = DriftThresholdsSchema.parse({});
  const ages = { kind: 'numeric' as const, values: Float64Array.from({ length: 100 }, (_, i) => 18 + (i % 60)) };

  it('is a change of type, not missing values, when no value is a number', () => {
    const words = { kind: 'categorical' as const, values: Array.from({ length: 100 }, (_, i) => ['young', 'old', 'n/a'][i % 3]) };
    const drift = featureDrift('age', ages, words, thresholds);
    expect(drift).toMatchObject({ drifted: true, statistics: null, missing: { current: 0 } });
    expect(drift.reasons).toEqual(['100% of current values are not numbers, as the reference\'s are (e.g. "young")']);
  });

  it('says so beside the statistics when some values are numbers written as text, and leaves text numbers and blanks alone', () => {
    const mixed = { kind: 'categorical' as const, values: Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? 'unknown' : i % 10 === 1 ? null : String(18 + (i % 60)))) };
    const drift = featureDrift('age', ages, mixed, thresholds);
    expect(drift.drifted).toBe(true);
    expect(drift.statistics).not.toBeNull();
    expect(drift.reasons[0]).toBe('10% of current values are not numbers, as the reference\'s are (e.g. "unknown")');
    const asText = { kind: 'categorical' as const, values: Array.from(ages.values, (v) => String(v)) };
    expect(featureDrift('age', ages, asText, thresholds)).toMatchObject({ drifted: false, reasons: [] });
  });
});
