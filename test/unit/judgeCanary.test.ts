import { describe, expect, it } from 'vitest';
import { CanaryPolicySchema, type CanaryPolicyInput } from '../../lib/canary/canaryPolicy';
import { judgeCanary, type ArmSample } from '../../lib/canary/judgeCanary';
import { normalSurvival } from '../../lib/drift/distributions';
import { seededNormal, seededRandom } from '../../lib/seededRandom';

const policy = (input: CanaryPolicyInput = {}) => CanaryPolicySchema.parse(input);
const onlyFeedback = (margin = 0, extra: CanaryPolicyInput = {}) => policy({ minSamples: 50, ...extra, metrics: { feedback: { margin }, errorRate: null, latency: null, predictionDrift: null } });

/** `n` labelled predictions of which `right` are right (labels a/b). */
function labelled(n: number, right: number): ArmSample['labelled'] {
  return Array.from({ length: n }, (_, i) => ({ prediction: 'a', label: i < right ? 'a' : 'b' }));
}
function arm(overrides: Partial<ArmSample>): ArmSample {
  return { requests: 0, errors: 0, latenciesMs: [], predictions: [], labelled: [], ...overrides };
}

describe('the canary policy', () => {
  it('has the documented defaults and refuses steps that do not climb to 1', () => {
    expect(policy()).toMatchObject({ steps: [0.1, 0.5, 1], interval: '1h', minSamples: 100, confidence: 0.95, maxWaits: 24, metrics: { feedback: { margin: 0.02 }, errorRate: { margin: 0.01 }, latency: { margin: 0.25 }, predictionDrift: { psi: 0.2 } } });
    expect(() => policy({ steps: [0.5, 0.1, 1] })).toThrow(/steps must increase/);
    expect(() => policy({ steps: [0.1, 0.5] })).toThrow(/the last step must be 1/);
    expect(() => policy({ interval: '10ms' })).toThrow(/at least 1s/);
    expect(() => policy({ metrics: { acuracy: {} } as never })).toThrow(/acuracy/);
  });
});

describe('the normal tail the tests use', () => {
  it('matches scipy.stats.norm.sf', () => {
    // Values printed by scipy 1.17.1: norm.sf(z).
    const scipy: [number, number][] = [
      [0, 0.5],
      [1, 0.15865525393145707],
      [1.6448536269514722, 0.050000000000000044],
      [1.96, 0.024997895148220435],
      [-1.2, 0.8849303297782918],
      [3.5, 0.00023262907903552502],
      [8, 6.22096057427174e-16],
    ];
    for (const [z, sf] of scipy) expect(normalSurvival(z) / sf).toBeCloseTo(1, 9);
  });
});

describe('judging a canary stage', () => {
  it('rolls back a candidate whose accuracy on feedback is worse, naming both sides and the test', () => {
    const judged = judgeCanary('classification', arm({ labelled: labelled(200, 140) }), arm({ labelled: labelled(1000, 850) }), onlyFeedback(0.02));
    expect(judged.verdict).toBe('worse');
    expect(judged.reason).toMatch(/^worse: accuracy on feedback 0\.700 \(n=200\) vs production 0\.850 \(n=1000\), margin 0\.02, p<0\.0001 < 0\.05$/);
    // z = (0.85 - 0.02 - 0.70) / sqrt(0.7*0.3/200 + 0.85*0.15/1000) = 3.78846; scipy: norm.sf(3.78846) = 7.5791e-5.
    expect(judged.evidence[0]!.pValue! / 7.579149521288733e-5).toBeCloseTo(1, 6);
  });

  it('waits while either side is short of samples, and passes a candidate as good as production', () => {
    expect(judgeCanary('classification', arm({ labelled: labelled(49, 45) }), arm({ labelled: labelled(1000, 850) }), onlyFeedback()).verdict).toBe('insufficient');
    const same = judgeCanary('classification', arm({ labelled: labelled(300, 255) }), arm({ labelled: labelled(1000, 850) }), onlyFeedback(0.02));
    expect(same.verdict).toBe('not-worse');
    expect(same.reason).toMatch(/^not worse: accuracy on feedback 0\.850/);
  });

  it('is wrong about an equal candidate about as often as its confidence allows, and catches a worse one', () => {
    // Both sides right 80% of the time: rollbacks are false alarms, about 1 - confidence of the time.
    const random = seededRandom(7);
    const draw = (n: number, accuracy: number) => labelled(n, Array.from({ length: n }, () => random() < accuracy).filter(Boolean).length);
    const trials = 1_000;
    let falseAlarms = 0;
    let caught = 0;
    for (let i = 0; i < trials; i++) {
      if (judgeCanary('classification', arm({ labelled: draw(200, 0.8) }), arm({ labelled: draw(800, 0.8) }), onlyFeedback(0)).verdict === 'worse') falseAlarms += 1;
      if (judgeCanary('classification', arm({ labelled: draw(200, 0.7) }), arm({ labelled: draw(800, 0.8) }), onlyFeedback(0)).verdict === 'worse') caught += 1;
    }
    expect(falseAlarms / trials).toBeGreaterThan(0.03);
    expect(falseAlarms / trials).toBeLessThan(0.07);
    // The test's power here: Φ(0.1 / sqrt(0.21/200 + 0.16/800) - 1.645) = Φ(1.18) = 0.88.
    expect(caught / trials).toBeGreaterThan(0.83);
  });

  it('judges regression by mean absolute error, errors by rate, latency by geometric mean', () => {
    const normal = seededNormal(3);
    const regression = (n: number, noise: number) => Array.from({ length: n }, () => ({ prediction: 10 + noise * normal(), label: 10 }));
    const only = (metrics: CanaryPolicyInput['metrics']) => policy({ minSamples: 50, metrics: { feedback: null, errorRate: null, latency: null, predictionDrift: null, ...metrics } });
    expect(judgeCanary('regression', arm({ labelled: regression(200, 3) }), arm({ labelled: regression(800, 1) }), only({ feedback: { margin: 0.1 } })).verdict).toBe('worse');
    expect(judgeCanary('regression', arm({ labelled: regression(200, 1) }), arm({ labelled: regression(800, 1) }), only({ feedback: { margin: 0.1 } })).verdict).toBe('not-worse');

    const failing = judgeCanary('classification', arm({ requests: 180, errors: 20 }), arm({ requests: 1000, errors: 5 }), only({ errorRate: { margin: 0.01 } }));
    expect(failing).toMatchObject({ verdict: 'worse' });
    expect(failing.reason).toContain('failed requests 0.100 (n=200) vs production 0.005 (n=1005)');

    const times = (n: number, ms: number) => Array.from({ length: n }, () => ms * Math.exp(0.2 * normal()));
    expect(judgeCanary('classification', arm({ latenciesMs: times(100, 8) }), arm({ latenciesMs: times(400, 2) }), only({ latency: { margin: 0.25 } })).verdict).toBe('worse');
    expect(judgeCanary('classification', arm({ latenciesMs: times(100, 2.1) }), arm({ latenciesMs: times(400, 2) }), only({ latency: { margin: 0.25 } })).verdict).toBe('not-worse');
  });

  it("flags predictions that drift from production's only when the shift is both large and significant", () => {
    const only = policy({ minSamples: 50, metrics: { feedback: null, errorRate: null, latency: null, predictionDrift: { psi: 0.2 } } });
    const labels = (counts: Record<string, number>) => Object.entries(counts).flatMap(([label, n]) => Array<string>(n).fill(label));
    const production = labels({ sun: 500, rain: 400, fog: 100 });
    expect(judgeCanary('classification', arm({ predictions: labels({ sun: 50, rain: 40, fog: 10 }) }), arm({ predictions: production }), only).verdict).toBe('not-worse');
    const skewed = judgeCanary('classification', arm({ predictions: labels({ sun: 10, rain: 80, fog: 10 }) }), arm({ predictions: production }), only);
    expect(skewed.verdict).toBe('worse');
    expect(skewed.reason).toMatch(/predictions against production's: PSI \d\.\d+ \(n=100 vs 1000\), limit 0\.2, p[=<]/);
  });
});
