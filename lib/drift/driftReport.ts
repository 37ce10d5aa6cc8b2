import { z } from 'zod';
import { categoricalDrift, countValues, type CategoricalStatistics } from './categoricalDrift';
import { numericDrift, type NumericStatistics } from './numericDrift';
import { sortedFinite } from './sortedFinite';

/**
 * When a feature counts as drifted: any statistic past its threshold (null switches a statistic off).
 * p-value thresholds flag drift when the p-value is *below* them. With thousands of rows KS and
 * chi-square find even harmless shifts significant, which is why PSI is the default first signal.
 */
export const DriftThresholdsSchema = z.strictObject({
  psi: z.number().positive().nullable().default(0.2),
  ksPValue: z.number().gt(0).lt(1).nullable().default(0.001),
  jensenShannon: z.number().gt(0).max(1).nullable().default(0.2),
  /** In the feature's own units, so off unless set. */
  wasserstein: z.number().positive().nullable().default(null),
  chiSquarePValue: z.number().gt(0).lt(1).nullable().default(0.001),
  /** The overall decision: drift when at least this many features drifted (or the predictions did). */
  minDriftedFeatures: z.number().int().min(1).default(1),
  /** Drift when accuracy on labelled predictions fell this far below the model's evaluation accuracy. */
  accuracyDrop: z.number().gt(0).max(1).nullable().default(0.1),
});
export type DriftThresholds = z.output<typeof DriftThresholdsSchema>;
export type DriftThresholdsInput = z.input<typeof DriftThresholdsSchema>;

export type ColumnSample = { kind: 'numeric'; values: ArrayLike<number> } | { kind: 'categorical'; values: unknown[] };

export interface FeatureDrift {
  feature: string;
  kind: 'numeric' | 'categorical';
  /** Share of rows without a usable value, in each sample. */
  missing: { reference: number; current: number };
  statistics: NumericStatistics | CategoricalStatistics | null;
  drifted: boolean;
  /** Each threshold crossed, in words, e.g. "psi 0.41 >= 0.2". */
  reasons: string[];
}

/** At most this many categories are kept per feature in a stored report. */
const MAX_REPORTED_CATEGORIES = 50;

/** Compares one column of the reference with the same column of the current sample. */
export function featureDrift(feature: string, reference: ColumnSample, current: ColumnSample, thresholds: DriftThresholds): FeatureDrift {
  const missing = { reference: missingShare(reference), current: missingShare(current) };
  if (reference.kind === 'numeric') {
    const sortedReference = sortedFinite(reference.values);
    const sortedCurrent = sortedFinite(current.kind === 'numeric' ? current.values : current.values.map(Number));
    // Text where the reference has numbers is a change of type, not missing values: said as such, and drift.
    const changedType = current.kind === 'categorical' ? notNumbers(current.values) : undefined;
    if (sortedReference.length === 0 || sortedCurrent.length === 0) {
      if (changedType && sortedReference.length > 0) return { feature, kind: 'numeric', missing, statistics: null, drifted: true, reasons: [changedType] };
      return withoutValues(feature, 'numeric', missing, sortedCurrent.length === 0);
    }
    const statistics = numericDrift(sortedReference, sortedCurrent);
    const reasons = [
      changedType,
      over('psi', statistics.psi, thresholds.psi),
      over('jensen-shannon', statistics.jensenShannon, thresholds.jensenShannon),
      over('wasserstein', statistics.wasserstein, thresholds.wasserstein),
      under('ks p-value', statistics.ks.pValue, thresholds.ksPValue),
    ].filter((r): r is string => r !== undefined);
    return { feature, kind: 'numeric', missing, statistics, drifted: reasons.length > 0, reasons };
  }
  const referenceCounts = countValues(reference.values as Iterable<unknown>);
  const currentCounts = countValues(current.values as Iterable<unknown>);
  if (referenceCounts.size === 0 || currentCounts.size === 0) return withoutValues(feature, 'categorical', missing, currentCounts.size === 0);
  const statistics = categoricalDrift(referenceCounts, currentCounts);
  const reasons = [
    over('psi', statistics.psi, thresholds.psi),
    over('jensen-shannon', statistics.jensenShannon, thresholds.jensenShannon),
    under('chi-square p-value', statistics.chiSquare.pValue, thresholds.chiSquarePValue),
  ].filter((r): r is string => r !== undefined);
  const categories = [...statistics.categories].sort((a, b) => b.reference + b.current - (a.reference + a.current)).slice(0, MAX_REPORTED_CATEGORIES);
  return { feature, kind: 'categorical', missing, statistics: { ...statistics, categories }, drifted: reasons.length > 0, reasons };
}

export interface DriftComparison {
  features: FeatureDrift[];
  /** Columns of the reference the current sample lacks (each counts as drifted). */
  missingColumns: string[];
  driftedFeatures: string[];
  thresholds: DriftThresholds;
}

/** Compares every column of the reference (in its order) with the current sample's column of the same name. */
export function compareSamples(reference: Map<string, ColumnSample>, current: Map<string, ColumnSample>, thresholds: DriftThresholds): DriftComparison {
  const features: FeatureDrift[] = [];
  const missingColumns: string[] = [];
  for (const [name, column] of reference) {
    const other = current.get(name);
    if (other) features.push(featureDrift(name, column, other, thresholds));
    else missingColumns.push(name);
  }
  const driftedFeatures = [...features.filter((f) => f.drifted).map((f) => f.feature), ...missingColumns];
  return { features, missingColumns, driftedFeatures, thresholds };
}

function over(name: string, value: number, threshold: number | null): string | undefined {
  return threshold !== null && value >= threshold ? `${name} ${round(value)} >= ${threshold}` : undefined;
}

function under(name: string, value: number, threshold: number | null): string | undefined {
  return threshold !== null && value < threshold ? `${name} ${value.toExponential(2)} < ${threshold}` : undefined;
}

function withoutValues(feature: string, kind: FeatureDrift['kind'], missing: FeatureDrift['missing'], currentEmpty: boolean): FeatureDrift {
  const reason = currentEmpty ? 'every current value is missing' : 'the reference has no values';
  return { feature, kind, missing, statistics: null, drifted: currentEmpty, reasons: [reason] };
}

/** Present current values that are not numbers, in words (`40% of current values are not numbers, e.g. "young"`), or undefined when all are. */
function notNumbers(values: unknown[]): string | undefined {
  let count = 0;
  let first: unknown;
  for (const value of values) {
    if (value === null || value === undefined || value === '' || Number.isFinite(Number(value))) continue;
    count += 1;
    first ??= value;
  }
  if (count === 0) return undefined;
  return `${round((100 * count) / values.length, 3)}% of current values are not numbers, as the reference's are (e.g. ${JSON.stringify(first)})`;
}

function missingShare(sample: ColumnSample): number {
  const n = sample.values.length;
  if (n === 0) return 1;
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const v = (sample.values as ArrayLike<unknown>)[i];
    if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v)) || (sample.kind === 'numeric' && typeof v !== 'number')) missing++;
  }
  return missing / n;
}

function round(value: number, digits = 4): number {
  return Number(value.toPrecision(digits));
}
