/**
 * Tail probabilities the drift tests need. Written here because no maintained npm package offers
 * both with float64 accuracy and no heavy dependency tree (the @stdlib packages do, at ~100 modules
 * each); the formulas are the textbook ones and are checked against scipy in test/drift.
 */

/**
 * P(K > x) for the limiting Kolmogorov distribution (scipy.special.kolmogorov): the alternating
 * series in exp(-2k²x²) for large x, Jacobi's theta form for small x where that series converges slowly.
 */
export function kolmogorovSurvival(x: number): number {
  if (!(x > 0)) return 1;
  if (x < 1.18) {
    const w = (Math.PI * Math.PI) / (8 * x * x);
    let sum = 0;
    for (let k = 1; k <= 9; k += 2) sum += Math.exp(-k * k * w);
    return clamp01(1 - (Math.sqrt(2 * Math.PI) / x) * sum);
  }
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * x * x);
    sum += k % 2 === 1 ? term : -term;
    if (term < 1e-17) break;
  }
  return clamp01(2 * sum);
}

/** P(X > x) for a chi-square variable with `dof` degrees of freedom: the regularized upper gamma Q(dof/2, x/2). */
export function chiSquareSurvival(x: number, dof: number): number {
  if (!(x > 0)) return 1;
  return regularizedUpperGamma(dof / 2, x / 2);
}

/** Q(a, x) = Γ(a, x) / Γ(a): the power series for P when x < a + 1, Lentz's continued fraction otherwise. */
export function regularizedUpperGamma(a: number, x: number): number {
  if (x <= 0) return 1;
  const logPrefix = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return clamp01(1 - sum * Math.exp(logPrefix));
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return clamp01(Math.exp(logPrefix) * h);
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9: about 15 significant digits). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0] as number;
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] as number) / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

function clamp01(p: number): number {
  return Math.min(1, Math.max(0, p));
}

/** P(Z > z) for a standard normal variable: erfc(z/√2)/2, with erfc(x) = Q(1/2, x²) for x ≥ 0. */
export function normalSurvival(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (z === Infinity) return 0;
  if (z === -Infinity) return 1;
  const tail = 0.5 * regularizedUpperGamma(0.5, (z * z) / 2);
  return z >= 0 ? tail : 1 - tail;
}
