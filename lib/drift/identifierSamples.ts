import { identifierNote, INDEX_NOTE, looksLikeIdentifier, looksLikeIndex } from '../data/identifierColumns';
import { countValues } from './categoricalDrift';
import type { ColumnSample } from './driftReport';

/** Distinct and present values of a numeric sample (missing values are NaN). */
function numericCounts(values: ArrayLike<number>): { distinct: number; present: number } {
  const seen = new Set<number>();
  let present = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isNaN(v)) continue;
    present += 1;
    seen.add(v);
  }
  return { distinct: seen.size, present };
}

/** The columns of a sample that name rows rather than describe them (see identifierColumns.ts), each with why. */
export function identifierColumns(columns: Map<string, ColumnSample>, rows: number): Map<string, string> {
  const found = new Map<string, string>();
  for (const [name, sample] of columns) {
    if (sample.kind === 'numeric') {
      if (looksLikeIndex(name, numericCounts(sample.values), rows)) found.set(name, INDEX_NOTE);
      continue;
    }
    const counts = countValues(sample.values);
    const present = [...counts.values()].reduce((a, b) => a + b, 0);
    if (looksLikeIdentifier({ distinct: counts.size, present })) found.set(name, identifierNote({ distinct: counts.size, present }));
  }
  return found;
}
