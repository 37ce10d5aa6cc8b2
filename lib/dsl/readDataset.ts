import type { ArtifactStore } from '../artifacts/artifactStore';
import type { ArtifactRef } from '../artifacts/artifactRef';
import { isNumericType } from '../data/columnTypes';
import { sqlString, withDuckDb } from '../data/duckdb';

export type DatasetRow = Record<string, string | number | boolean | null>;

/**
 * A number column's value as a step reads it. DuckDB's JSON form writes BIGINT and DECIMAL values
 * as text (every integer column ingest reads from a CSV is a BIGINT), so `row.count + 1` gave '31';
 * they are numbers here, except an integer past 2^53, which stays exact as text.
 */
function numberCell(value: string | number | boolean | null): string | number | boolean | null {
  if (typeof value !== 'string') return value;
  const number = Number(value);
  return Number.isFinite(number) && (!Number.isInteger(number) || Number.isSafeInteger(number)) ? number : value;
}

/**
 * The rows of a dataset artifact (ingest's `dataset`, a Parquet file), for a step's own code:
 * `readDataset(runtime.artifacts, outputOf(upstream, 'load', 'ingest').dataset)`. The artifact's hash
 * is checked before it is read. Values come as JSON types: numbers as numbers (integers beyond 2^53
 * as strings), dates as text; `limit` caps how many rows are read, for datasets too large for memory.
 */
export async function readDataset(artifacts: ArtifactStore, dataset: Pick<ArtifactRef, 'uri'>, options: { limit?: number } = {}): Promise<DatasetRow[]> {
  const path = await artifacts.verifiedPath(dataset);
  const limit = options.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(options.limit))}`;
  return withDuckDb(async (connection) => {
    const reader = await connection.runAndReadAll(`SELECT * FROM read_parquet(${sqlString(path)})${limit}`);
    const rows = reader.getRowObjectsJson() as DatasetRow[];
    const names = reader.columnNames();
    const numeric = reader.columnTypes().flatMap((type, index) => (isNumericType(type.toString()) ? [names[index] as string] : []));
    if (numeric.length === 0) return rows;
    for (const row of rows) for (const column of numeric) row[column] = numberCell(row[column] ?? null);
    return rows;
  });
}
