import type { ArtifactStore } from '../artifacts/artifactStore';
import type { ArtifactRef } from '../artifacts/artifactRef';
import { sqlString, withDuckDb } from '../data/duckdb';

export type DatasetRow = Record<string, string | number | boolean | null>;

/**
 * The rows of a dataset artifact (ingest's `dataset`, a Parquet file), for a step's own code:
 * `readDataset(runtime.artifacts, outputOf(upstream, 'load', 'ingest').dataset)`. The artifact's hash
 * is checked before it is read. Values come as JSON types (integers beyond 2^53 as strings, dates
 * as ISO text); `limit` caps how many rows are read, for datasets too large for memory.
 */
export async function readDataset(artifacts: ArtifactStore, dataset: Pick<ArtifactRef, 'uri'>, options: { limit?: number } = {}): Promise<DatasetRow[]> {
  const path = await artifacts.verifiedPath(dataset);
  const limit = options.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(options.limit))}`;
  return withDuckDb(async (connection) => {
    const reader = await connection.runAndReadAll(`SELECT * FROM read_parquet(${sqlString(path)})${limit}`);
    return reader.getRowObjectsJson() as DatasetRow[];
  });
}
