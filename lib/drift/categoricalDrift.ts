import { chiSquareSurvival } from './distributions';
import { jensenShannon, psi } from './numericDrift';

export interface CategoricalStatistics {
  /** Pearson's chi-square test of homogeneity on the 2 × k table of counts (no continuity correction). */
  chiSquare: { statistic: number; dof: number; pValue: number };
  psi: number;
  jensenShannon: number;
  /** Share of each category in each sample, over the union of categories. */
  categories: { value: string; reference: number; current: number }[];
  reference: { count: number };
  current: { count: number };
}

/** Counts the non-missing values of a column. */
export function countValues(values: Iterable<unknown>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) {
    if (value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value))) continue;
    const key = String(value);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Compares the category counts of two samples (the union of their categories, sorted). */
export function categoricalDrift(reference: Map<string, number>, current: Map<string, number>): CategoricalStatistics {
  const values = [...new Set([...reference.keys(), ...current.keys()])].sort();
  const r = values.map((v) => reference.get(v) ?? 0);
  const c = values.map((v) => current.get(v) ?? 0);
  const rTotal = r.reduce((a, b) => a + b, 0);
  const cTotal = c.reduce((a, b) => a + b, 0);
  if (rTotal === 0 || cTotal === 0) throw new RangeError('both samples need at least one value');
  const total = rTotal + cTotal;
  let statistic = 0;
  values.forEach((_, k) => {
    const column = (r[k] as number) + (c[k] as number);
    for (const [observed, rowTotal] of [
      [r[k] as number, rTotal],
      [c[k] as number, cTotal],
    ] as const) {
      const expected = (rowTotal * column) / total;
      statistic += (observed - expected) ** 2 / expected;
    }
  });
  const dof = values.length - 1;
  const rShares = r.map((x) => x / rTotal);
  const cShares = c.map((x) => x / cTotal);
  return {
    chiSquare: { statistic, dof, pValue: dof === 0 ? 1 : chiSquareSurvival(statistic, dof) },
    psi: psi(rShares, cShares),
    jensenShannon: jensenShannon(rShares, cShares),
    categories: values.map((value, k) => ({ value, reference: rShares[k] as number, current: cShares[k] as number })),
    reference: { count: rTotal },
    current: { count: cTotal },
  };
}
