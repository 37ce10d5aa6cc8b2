import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlIdentifier, sqlString } from './sqlText';

/**
 * DuckDB's CSV sniffer reads `yes`/`no` and `T`/`F` as BOOLEAN, so a label column written `yes`/`no`
 * came back as `true`/`false`: the model's labels, its predictions and the feedback matched against
 * them no longer said what the user's file said, and a served request sending `"yes"` for such a
 * feature was an unseen category. A column the sniffer took for BOOLEAN stays BOOLEAN only when the
 * file spells it `true`/`false` (any case); otherwise it is text, as written.
 *
 * Called after table `data` was loaded from a CSV; `readCsv(types)` is the same read with some
 * columns' types stated. Files without a BOOLEAN column are not read again.
 */
export async function keepWrittenBooleans(connection: DuckDBConnection, readCsv: (types: Record<string, string>) => string): Promise<void> {
  const described = (await connection.runAndReadAll('DESCRIBE data')).getRowObjectsJS();
  const booleans = described.filter((c) => c.column_type === 'BOOLEAN').map((c) => String(c.column_name));
  if (booleans.length === 0) return;
  await connection.run(`CREATE OR REPLACE TABLE data AS SELECT * FROM ${readCsv(Object.fromEntries(booleans.map((name) => [name, 'VARCHAR'])))}`);
  const spelled = booleans.map((name) => `bool_and(lower(trim(${sqlIdentifier(name)})) IN ('true', 'false'))`).join(', ');
  const canonical = (await connection.runAndReadAll(`SELECT ${spelled} FROM data`)).getRows()[0] ?? [];
  for (const [i, name] of booleans.entries()) {
    if (canonical[i] !== true) continue;
    const column = sqlIdentifier(name);
    await connection.run(`ALTER TABLE data ALTER ${column} SET DATA TYPE BOOLEAN USING lower(trim(${column})) = ${sqlString('true')}`);
  }
}

/** A DuckDB struct literal naming column types: {'a': 'VARCHAR'}. */
export function columnTypes(types: Record<string, string>): string {
  return `{${Object.entries(types).map(([name, type]) => `${sqlString(name)}: ${sqlString(type)}`).join(', ')}}`;
}
