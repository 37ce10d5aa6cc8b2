import { describeColumns, sqlIdentifier, withDuckDb, loadTable } from '../data/duckdb';
import type { TabularFormat } from '../data/formats';
import { featureKindOf, isNumericType } from '../data/columnTypes';
import { DataError } from '../errors';
import { ignoreProgress, type ReportProgress } from '../progress';
import type { ColumnSample } from './driftReport';

export interface ColumnRequest {
  name: string;
  kind: 'numeric' | 'categorical';
}

/**
 * Reads columns of a data file as drift samples: numbers as a Float64Array (missing -> NaN), text
 * and booleans as values. With `wanted`, exactly those columns and kinds (a model's features); else
 * every numeric, text or boolean column, and the others (dates, lists) are listed as skipped.
 */
export async function readColumns(
  path: string,
  format: TabularFormat,
  wanted?: ColumnRequest[],
  progress: ReportProgress = ignoreProgress,
): Promise<{ columns: Map<string, ColumnSample>; rows: number; skipped: string[]; names: string[] }> {
  return withDuckDb(async (connection) => {
    await loadTable(connection, path, format, { progress });
    const described = await describeColumns(connection);
    const types = new Map(described.map((c) => [c.name, c.type]));
    // Every column of the file, compared or not (`cairn drift` names those only one side has).
    const names = described.map((c) => c.name);
    const skipped: string[] = [];
    const requests: ColumnRequest[] = [];
    for (const { name, type } of described) {
      const want = wanted ? wanted.find((w) => w.name === name) : undefined;
      if (wanted && !want) continue;
      const kind = want?.kind ?? featureKindOf(type);
      if (kind === 'numeric' && !isNumericType(type)) throw new DataError(`column '${name}' is ${type}, but the model reads it as a number`);
      if (kind) requests.push({ name, kind });
      else skipped.push(`${name} (${type})`);
    }
    for (const w of wanted ?? []) if (!types.has(w.name)) skipped.push(`${w.name} (not in the file)`);
    const columns = new Map<string, ColumnSample>();
    if (requests.length === 0) return { columns, rows: 0, skipped, names };
    const select = requests.map(({ name, kind }) => (kind === 'numeric' ? `CAST(${sqlIdentifier(name)} AS DOUBLE)` : `CAST(${sqlIdentifier(name)} AS VARCHAR)`)).join(', ');
    const values = (await connection.runAndReadAll(`SELECT ${select} FROM data`)).getColumnsJS();
    requests.forEach(({ name, kind }, i) => {
      const column = values[i] ?? [];
      columns.set(name, kind === 'numeric' ? { kind, values: Float64Array.from(column, (v) => (typeof v === 'number' ? v : NaN)) } : { kind, values: column });
    });
    return { columns, rows: values[0]?.length ?? 0, skipped, names };
  }, progress);
}
