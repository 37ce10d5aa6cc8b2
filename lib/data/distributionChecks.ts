import { z } from 'zod';
import type { Profile } from './profile';
import type { Violation } from './checkContract';

/** Distribution checks of a dataset against a reference profile (e.g. the training data's). */
export const DistributionCheckSchema = z.strictObject({
  /** sha256 of the reference dataset (its profile is in the metadata store). */
  reference: z.string().regex(/^[0-9a-f]{64}$/, 'the sha256 of an ingested dataset'),
  /** Largest allowed shift of a numeric column's mean, in reference standard deviations. */
  maxMeanShift: z.number().positive().default(3),
  /** Largest allowed change of any category's share of rows (0..1). */
  maxCategoryShift: z.number().gt(0).max(1).default(0.25),
  /** Columns to check; default every column both profiles have. */
  columns: z.array(z.string()).optional(),
});
export type DistributionCheck = z.output<typeof DistributionCheckSchema>;

/** Compares two profiles column by column; each shift past its limit is a violation. */
export function distributionViolations(current: Profile, reference: Profile, check: DistributionCheck): Violation[] {
  const violations: Violation[] = [];
  const referenceColumns = new Map(reference.columns.map((c) => [c.name, c]));
  for (const column of current.columns) {
    if (check.columns && !check.columns.includes(column.name)) continue;
    const base = referenceColumns.get(column.name);
    if (!base) continue;
    if (column.numeric && base.numeric && column.numeric.mean !== null && base.numeric.mean !== null) {
      const std = base.numeric.stddev || 1;
      const shift = Math.abs(column.numeric.mean - base.numeric.mean) / std;
      if (shift > check.maxMeanShift) {
        violations.push({
          column: column.name,
          rule: 'distribution.mean',
          rows: null,
          message: `column '${column.name}': mean ${column.numeric.mean.toFixed(4)} moved ${shift.toFixed(2)} standard deviations from the reference mean ${base.numeric.mean.toFixed(4)} (limit ${check.maxMeanShift})`,
          examples: [],
        });
      }
    }
    if (column.categories && base.categories) {
      const share = (rows: number, counts: { value: string; count: number }[]) => new Map(counts.map((c) => [c.value, c.count / Math.max(1, rows)]));
      const now = share(current.rows - column.nulls, column.categories);
      const then = share(reference.rows - base.nulls, base.categories);
      let worst = { value: '', shift: 0 };
      for (const value of new Set([...now.keys(), ...then.keys()])) {
        const shift = Math.abs((now.get(value) ?? 0) - (then.get(value) ?? 0));
        if (shift > worst.shift) worst = { value, shift };
      }
      if (worst.shift > check.maxCategoryShift) {
        violations.push({
          column: column.name,
          rule: 'distribution.category',
          rows: null,
          message: `column '${column.name}': the share of '${worst.value}' changed by ${(worst.shift * 100).toFixed(1)} points from the reference (limit ${(check.maxCategoryShift * 100).toFixed(1)})`,
          examples: [],
        });
      }
    }
  }
  return violations;
}
