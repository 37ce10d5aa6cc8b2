import { identifierNote, looksLikeIdentifier } from '../data/identifierColumns';
import { countValues } from './categoricalDrift';
import type { ColumnSample } from './driftReport';

/** The text columns of a sample that look like identifiers (see identifierColumns.ts), each with why. */
export function identifierColumns(columns: Map<string, ColumnSample>): Map<string, string> {
  const found = new Map<string, string>();
  for (const [name, sample] of columns) {
    if (sample.kind !== 'categorical') continue;
    const counts = countValues(sample.values);
    const present = [...counts.values()].reduce((a, b) => a + b, 0);
    if (looksLikeIdentifier({ distinct: counts.size, present })) found.set(name, identifierNote({ distinct: counts.size, present }));
  }
  return found;
}
