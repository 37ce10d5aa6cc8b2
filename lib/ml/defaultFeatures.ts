import type { DuckDBConnection } from '@duckdb/node-api';
import { isIntegerType } from '../data/columnTypes';
import { identifierNote, INDEX_NOTE, isNameless, looksLikeIdentifier, looksLikeIndex, type ValueCounts } from '../data/identifierColumns';
import { sqlIdentifier } from '../data/sqlText';

export interface FeatureKind {
  name: string;
  kind: 'numeric' | 'categorical';
}

/** A column the default feature set did not take, and why (shown in the train step's output and log). */
export interface LeftOutColumn {
  column: string;
  reason: string;
}

/**
 * Of the columns a default feature set would take (every numeric, text or boolean one), the ones a
 * model must not learn from, each with why: a column with no values (scikit-learn's SimpleImputer
 * drops such a feature too; every request to the served model had to send it), identifier-like text,
 * and the index pandas writes. One scan of table `data` counts them all.
 */
export async function screenDefaultFeatures(
  connection: DuckDBConnection,
  candidates: FeatureKind[],
  types: Map<string, string>,
  maxCategories: number,
): Promise<{ features: FeatureKind[]; leftOut: LeftOutColumn[] }> {
  const text = (name: string) => types.get(name) === 'VARCHAR';
  const distinctOf = (name: string) => text(name) || (isNameless(name) && isIntegerType(types.get(name) as string));
  const aggregates = candidates.flatMap(({ name }) => [`count(${sqlIdentifier(name)})`, distinctOf(name) ? `count(DISTINCT ${sqlIdentifier(name)})` : '0']);
  const row = (await connection.runAndReadAll(`SELECT ${[...aggregates, 'count(*)'].join(', ')} FROM data`)).getRows()[0] ?? [];
  const rows = Number(row[aggregates.length]);
  const features: FeatureKind[] = [];
  const leftOut: LeftOutColumn[] = [];
  candidates.forEach((feature, i) => {
    const { name } = feature;
    const counts: ValueCounts = { present: Number(row[2 * i]), distinct: Number(row[2 * i + 1]) };
    const reason =
      counts.present === 0
        ? 'has no values (every row is missing it); name it in features to use it'
        : text(name) && looksLikeIdentifier(counts, maxCategories)
          ? `${identifierNote(counts)}; name it in features to use its ${maxCategories} most frequent values`
          : distinctOf(name) && !text(name) && looksLikeIndex(name, counts, rows)
            ? `${INDEX_NOTE}; name it in features to use it`
            : undefined;
    if (reason) leftOut.push({ column: name, reason });
    else features.push(feature);
  });
  return { features, leftOut };
}
