import { kolmogorovSurvival } from './distributions';

/** Proportions are floored at this before PSI's logarithm, so an empty bin gives a large but finite term. */
export const PSI_EPSILON = 1e-4;
export const DEFAULT_BINS = 10;
/** Bins of the equal-width histogram a report keeps for drawing the two distributions over each other. */
export const HISTOGRAM_BINS = 20;

export interface NumericStatistics {
  /** Population stability index over the reference's quantile bins. */
  psi: number;
  /** Two-sample Kolmogorov-Smirnov: the largest gap between the two empirical CDFs, and its p-value. */
  ks: { statistic: number; pValue: number };
  /** Jensen-Shannon distance (base 2, so within [0, 1]) over the same bins as PSI. */
  jensenShannon: number;
  /** Earth mover's distance between the two samples, in the feature's own units. */
  wasserstein: number;
  reference: { count: number; mean: number };
  current: { count: number; mean: number };
  /** Both samples over the same equal-width bins from the smaller minimum to the larger maximum (edges has one more entry than each share list): what a page draws. */
  histogram: { edges: number[]; reference: number[]; current: number[] };
}

/**
 * Compares two sorted samples of finite numbers (see sortedFinite). Bins are the reference's
 * quantiles (numpy's default linear interpolation), so each reference bin holds about 1/bins of it.
 */
export function numericDrift(reference: Float64Array, current: Float64Array, bins = DEFAULT_BINS): NumericStatistics {
  if (reference.length === 0 || current.length === 0) throw new RangeError('both samples need at least one finite value');
  const edges = quantileEdges(reference, bins);
  const referenceShares = binShares(reference, edges);
  const currentShares = binShares(current, edges);
  const { ks, wasserstein } = ecdfComparison(reference, current);
  return {
    psi: psi(referenceShares, currentShares),
    ks,
    jensenShannon: jensenShannon(referenceShares, currentShares),
    wasserstein,
    reference: { count: reference.length, mean: mean(reference) },
    current: { count: current.length, mean: mean(current) },
    histogram: sharedHistogram(reference, current, HISTOGRAM_BINS),
  };
}

/** Shares of two sorted samples in `bins` equal-width bins spanning both (the last bin holds its upper edge). */
export function sharedHistogram(a: Float64Array, b: Float64Array, bins: number): NumericStatistics['histogram'] {
  const low = Math.min(a[0] as number, b[0] as number);
  const high = Math.max(a[a.length - 1] as number, b[b.length - 1] as number);
  if (!(high > low)) return { edges: [low, high], reference: [1], current: [1] };
  const width = (high - low) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? high : low + i * width));
  const inner = edges.slice(1, -1);
  return { edges, reference: binShares(a, inner), current: binShares(b, inner) };
}

/** The distinct inner quantiles at 1/bins, 2/bins, ...: bin k holds values v with edge[k-1] <= v < edge[k]. */
export function quantileEdges(sorted: Float64Array, bins: number): number[] {
  const edges: number[] = [];
  for (let i = 1; i < bins; i++) {
    const position = ((sorted.length - 1) * i) / bins;
    const below = Math.floor(position);
    const low = sorted[below] as number;
    const high = sorted[Math.min(below + 1, sorted.length - 1)] as number;
    const edge = low + (high - low) * (position - below);
    if (edges.length === 0 || edge > (edges[edges.length - 1] as number)) edges.push(edge);
  }
  return edges;
}

/** Share of a sorted sample in each bin; binary searches, so O(bins · log n) rather than a pass over the data. */
export function binShares(sorted: Float64Array, edges: number[]): number[] {
  const shares: number[] = [];
  let below = 0;
  for (const edge of edges) {
    const beneath = lowerBound(sorted, edge);
    shares.push((beneath - below) / sorted.length);
    below = beneath;
  }
  shares.push((sorted.length - below) / sorted.length);
  return shares;
}

/** Σ (current − reference) · ln(current / reference), with each share floored at PSI_EPSILON. */
export function psi(referenceShares: number[], currentShares: number[]): number {
  let sum = 0;
  for (let i = 0; i < referenceShares.length; i++) {
    const r = Math.max(referenceShares[i] as number, PSI_EPSILON);
    const c = Math.max(currentShares[i] as number, PSI_EPSILON);
    sum += (c - r) * Math.log(c / r);
  }
  return sum;
}

/** sqrt of the Jensen-Shannon divergence in bits (scipy.spatial.distance.jensenshannon with base=2). */
export function jensenShannon(p: number[], q: number[]): number {
  const pTotal = p.reduce((a, b) => a + b, 0);
  const qTotal = q.reduce((a, b) => a + b, 0);
  let divergence = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = (p[i] as number) / pTotal;
    const qi = (q[i] as number) / qTotal;
    const m = (pi + qi) / 2;
    if (pi > 0) divergence += pi * Math.log(pi / m);
    if (qi > 0) divergence += qi * Math.log(qi / m);
  }
  return Math.sqrt(Math.max(0, divergence / 2 / Math.LN2));
}

/**
 * One merge pass over both sorted samples gives the KS statistic (largest CDF gap) and the
 * Wasserstein distance (area between the CDFs). The p-value is the Kolmogorov limit with Stephens'
 * small-sample correction, Q((√n + 0.12 + 0.11/√n)·D) with n = n₁n₂/(n₁+n₂); scipy's ks_2samp uses
 * exact distributions for small samples instead, so the two agree closely but not to the last digit.
 */
export function ecdfComparison(a: Float64Array, b: Float64Array): { ks: { statistic: number; pValue: number }; wasserstein: number } {
  const n = a.length;
  const m = b.length;
  let i = 0;
  let j = 0;
  let statistic = 0;
  let area = 0;
  let previous = Math.min(a[0] as number, b[0] as number);
  while (i < n || j < m) {
    const x = j >= m || (i < n && (a[i] as number) <= (b[j] as number)) ? (a[i] as number) : (b[j] as number);
    area += Math.abs(i / n - j / m) * (x - previous);
    while (i < n && a[i] === x) i++;
    while (j < m && b[j] === x) j++;
    const gap = Math.abs(i / n - j / m);
    if (gap > statistic) statistic = gap;
    previous = x;
  }
  const effective = Math.sqrt((n * m) / (n + m));
  const pValue = kolmogorovSurvival((effective + 0.12 + 0.11 / effective) * statistic);
  return { ks: { statistic, pValue }, wasserstein: area };
}

/** How many values are below `value`. */
function lowerBound(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sorted[mid] as number) < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

function mean(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum / values.length;
}
