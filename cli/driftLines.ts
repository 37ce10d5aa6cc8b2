import type { FeatureDrift } from '../lib/drift/driftReport';

/** A feature's drift as a local comparison computes it or as a stored report carries it. */
type DriftLine = Pick<FeatureDrift, 'feature' | 'kind' | 'missing' | 'drifted' | 'reasons'> & { statistics: object | null };

const fixed = (value: number | undefined, digits = 3) => (value === undefined ? '-' : value.toFixed(digits));
const pValue = (value: number | undefined) => (value === undefined ? '-' : value < 1e-3 ? value.toExponential(1) : value.toFixed(3));

/** One line per feature: its statistics, then DRIFT and the thresholds it crossed. */
export function driftLines(features: DriftLine[]): string[] {
  const width = Math.max(7, ...features.map((f) => f.feature.length));
  const header = `${'feature'.padEnd(width)}  kind         psi     ks D   ks p     js      wasserst.  chi2 p   missing  `;
  return [
    header,
    ...features.map((f) => {
      const s = (f.statistics ?? {}) as Partial<{ psi: number; jensenShannon: number; wasserstein: number; ks: { statistic: number; pValue: number }; chiSquare: { pValue: number } }>;
      const cells = [
        f.feature.padEnd(width),
        f.kind.padEnd(11),
        fixed(s.psi).padStart(6),
        fixed(s.ks?.statistic).padStart(6),
        pValue(s.ks?.pValue).padStart(8),
        fixed(s.jensenShannon).padStart(6),
        fixed(s.wasserstein, 4).padStart(10),
        pValue(s.chiSquare?.pValue).padStart(8),
        `${(f.missing.current * 100).toFixed(1)}%`.padStart(7),
      ];
      return `${cells.join('  ')}  ${f.drifted ? `DRIFT  ${f.reasons.join('; ')}` : 'ok'}`;
    }),
  ];
}
