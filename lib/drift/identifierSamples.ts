import { identifierNote, INDEX_NOTE, looksLikeIdentifier, looksLikeIndex } from '../data/identifierColumns';
import { countValues } from './categoricalDrift';
import type { ColumnSample } from './driftReport';

/** The columns of a sample that name rows rather than describe them (see identifierColumns.ts), each with why. */
export function identifierColumns(columns: Map<string, ColumnSample>, rows: number): Map<string, string> {
  const found = new Map<string, string>();
  for (const [name, sample] of columns) {
    // countValues skips missing values (NaN in a numeric sample), so it counts both kinds.
    const values = countValues(sample.kind === 'numeric' ? Array.from(sample.values) : sample.values);
    const counts = { distinct: values.size, present: [...values.values()].reduce((a, b) => a + b, 0) };
    if (sample.kind === 'numeric' ? looksLikeIndex(name, counts, rows) : looksLikeIdentifier(counts)) found.set(name, sample.kind === 'numeric' ? INDEX_NOTE : identifierNote(counts));
  }
  return found;
}
