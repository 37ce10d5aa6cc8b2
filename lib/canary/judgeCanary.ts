import { DriftThresholdsSchema, featureDrift } from '../drift/driftReport';
import { normalSurvival } from '../drift/distributions';
import type { CanaryMetric, CanaryPolicy } from './canaryPolicy';

/** What one side (the candidate, or production) served during a stage. */
export interface ArmSample {
  /** Requests answered, and requests that failed. */
  requests: number;
  errors: number;
  /** Server time of each answered request. */
  latenciesMs: number[];
  /** Every prediction served (one per instance). */
  predictions: (string | number)[];
  /** Predictions whose true label came back as feedback. */
  labelled: { prediction: string | number; label: string | number }[];
}

/** One metric's comparison, as stored with the decision. */
export interface MetricEvidence {
  metric: CanaryMetric;
  candidate: { n: number; value: number | null };
  baseline: { n: number; value: number | null };
  /** The one-sided test's p-value (small: the candidate is worse), or null without enough samples. */
  pValue: number | null;
  enough: boolean;
  worse: boolean;
  detail: string;
}

export interface CanaryJudgement {
  verdict: 'worse' | 'not-worse' | 'insufficient';
  /** The decision in words: each worse metric, or each metric still short of samples. */
  reason: string;
  evidence: MetricEvidence[];
}

const fixed = (value: number | null, digits = 3) => (value === null ? '-' : value.toFixed(digits));
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
const variance = (values: number[]) => {
  const m = mean(values);
  return values.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, values.length - 1);
};

/**
 * The p-value that the candidate is worse than production by more than the margin: `gap` is the
 * amount by which it is worse beyond the margin (positive: worse), `se` its standard error. A zero
 * standard error (both sides identical throughout) leaves only the sign.
 */
function oneSided(gap: number, se: number): number {
  if (se === 0 || !Number.isFinite(se)) return gap > 0 ? 0 : 1;
  return normalSurvival(gap / se);
}

/**
 * Compares a canary's stage with production's traffic over the same time. Each metric the policy
 * enables is tested one-sided (is the candidate worse by more than the margin?) with a normal
 * approximation: two-proportion z-tests for accuracy and error rate, Welch's statistic for mean
 * absolute error and log server time, and for the predictions' distribution PSI together with
 * Kolmogorov-Smirnov (numbers) or chi-square (labels). Worse on any metric: 'worse'. Otherwise, any
 * metric short of `minSamples` on either side: 'insufficient'. Otherwise 'not-worse'.
 */
export function judgeCanary(task: 'classification' | 'regression', candidate: ArmSample, baseline: ArmSample, policy: CanaryPolicy): CanaryJudgement {
  const alpha = 1 - policy.confidence;
  const enough = (a: number, b: number) => a >= policy.minSamples && b >= policy.minSamples;
  const evidence: MetricEvidence[] = [];
  const { feedback, errorRate, latency, predictionDrift } = policy.metrics;

  if (feedback) {
    const c = candidate.labelled;
    const b = baseline.labelled;
    if (task === 'classification') {
      const accuracy = (rows: ArmSample['labelled']) => (rows.length === 0 ? null : rows.filter((r) => String(r.prediction) === String(r.label)).length / rows.length);
      const [pc, pb] = [accuracy(c), accuracy(b)];
      const ok = enough(c.length, b.length) && pc !== null && pb !== null;
      const p = ok ? oneSided(pb - feedback.margin - pc, Math.sqrt((pc * (1 - pc)) / c.length + (pb * (1 - pb)) / b.length)) : null;
      evidence.push(verdictOf('feedback', ok, p, alpha, { n: c.length, value: pc }, { n: b.length, value: pb }, `accuracy on feedback ${fixed(pc)} (n=${c.length}) vs production ${fixed(pb)} (n=${b.length}), margin ${feedback.margin}`));
    } else {
      const errors = (rows: ArmSample['labelled']) => rows.map((r) => Math.abs(Number(r.prediction) - Number(r.label)));
      const [ec, eb] = [errors(c), errors(b)];
      const ok = enough(ec.length, eb.length);
      const [mc, mb] = [ec.length ? mean(ec) : null, eb.length ? mean(eb) : null];
      const grown = 1 + feedback.margin;
      const p = ok && mc !== null && mb !== null ? oneSided(mc - mb * grown, Math.sqrt(variance(ec) / ec.length + (variance(eb) * grown * grown) / eb.length)) : null;
      evidence.push(verdictOf('feedback', ok, p, alpha, { n: ec.length, value: mc }, { n: eb.length, value: mb }, `mean absolute error on feedback ${fixed(mc)} (n=${ec.length}) vs production ${fixed(mb)} (n=${eb.length}), margin ${feedback.margin * 100}%`));
    }
  }

  if (errorRate) {
    const rate = (arm: ArmSample) => (arm.requests + arm.errors === 0 ? null : arm.errors / (arm.requests + arm.errors));
    const [nc, nb] = [candidate.requests + candidate.errors, baseline.requests + baseline.errors];
    const [rc, rb] = [rate(candidate), rate(baseline)];
    const ok = enough(nc, nb) && rc !== null && rb !== null;
    const p = ok ? oneSided(rc - rb - errorRate.margin, Math.sqrt((rc * (1 - rc)) / nc + (rb * (1 - rb)) / nb)) : null;
    evidence.push(verdictOf('errorRate', ok, p, alpha, { n: nc, value: rc }, { n: nb, value: rb }, `failed requests ${fixed(rc)} (n=${nc}) vs production ${fixed(rb)} (n=${nb}), margin ${errorRate.margin}`));
  }

  if (latency) {
    const logs = (arm: ArmSample) => arm.latenciesMs.filter((ms) => ms > 0).map(Math.log);
    const [lc, lb] = [logs(candidate), logs(baseline)];
    const ok = enough(lc.length, lb.length);
    const geometric = (values: number[]) => (values.length ? Math.exp(mean(values)) : null);
    const p = ok ? oneSided(mean(lc) - mean(lb) - Math.log(1 + latency.margin), Math.sqrt(variance(lc) / lc.length + variance(lb) / lb.length)) : null;
    evidence.push(
      verdictOf('latency', ok, p, alpha, { n: lc.length, value: geometric(lc) }, { n: lb.length, value: geometric(lb) }, `server time ${fixed(geometric(lc), 2)} ms (n=${lc.length}) vs production ${fixed(geometric(lb), 2)} ms (n=${lb.length}), margin ${latency.margin * 100}%`),
    );
  }

  if (predictionDrift) {
    const [nc, nb] = [candidate.predictions.length, baseline.predictions.length];
    const ok = enough(nc, nb);
    let p: number | null = null;
    let psi: number | null = null;
    if (ok) {
      const sample = (values: (string | number)[]) => (task === 'regression' ? { kind: 'numeric' as const, values: Float64Array.from(values, Number) } : { kind: 'categorical' as const, values });
      const drift = featureDrift('prediction', sample(baseline.predictions), sample(candidate.predictions), DriftThresholdsSchema.parse({ psi: predictionDrift.psi, ksPValue: null, jensenShannon: null, chiSquarePValue: null }));
      const statistics = drift.statistics;
      psi = statistics?.psi ?? null;
      const pValue = statistics === null ? 1 : 'ks' in statistics ? statistics.ks.pValue : statistics.chiSquare.pValue;
      // Worse only when the shift is both large (PSI) and real (the test): p is reported as 1 below the PSI line.
      p = psi !== null && psi > predictionDrift.psi ? pValue : 1;
    }
    evidence.push(verdictOf('predictionDrift', ok, p, alpha, { n: nc, value: psi }, { n: nb, value: null }, `predictions against production's: PSI ${fixed(psi)} (n=${nc} vs ${nb}), limit ${predictionDrift.psi}`));
  }

  const worse = evidence.filter((e) => e.worse);
  if (worse.length > 0) return { verdict: 'worse', reason: `worse: ${worse.map((e) => e.detail).join('; ')}`, evidence };
  const short = evidence.filter((e) => !e.enough);
  if (short.length > 0) return { verdict: 'insufficient', reason: `fewer than ${policy.minSamples} samples a side for ${short.map((e) => e.metric).join(', ')}`, evidence };
  return { verdict: 'not-worse', reason: `not worse: ${evidence.map((e) => e.detail).join('; ')}`, evidence };
}

function verdictOf(metric: CanaryMetric, enough: boolean, pValue: number | null, alpha: number, candidate: MetricEvidence['candidate'], baseline: MetricEvidence['baseline'], detail: string): MetricEvidence {
  const worse = enough && pValue !== null && pValue < alpha;
  const test = pValue === null ? '' : `, ${pValue < 0.0001 ? 'p<0.0001' : `p=${pValue.toFixed(4)}`}${worse ? ` < ${alpha.toFixed(2)}` : ''}`;
  return { metric, candidate, baseline, pValue, enough, worse, detail: `${detail}${test}` };
}
