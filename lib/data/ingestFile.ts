import { join } from 'node:path';
import type { ArtifactRef } from '../artifacts/artifactRef';
import type { ArtifactStore } from '../artifacts/artifactStore';
import { ConfigError, DataError } from '../errors';
import type { IngestConfig } from '../stages/ingest';
import { ignoreProgress, type ReportProgress } from '../progress';
import { loadTable, sqlString, withDuckDb } from './duckdb';
import type { RenamedColumn } from './csvHeader';
import type { CsvDialect, TabularFormat } from './formats';
import { profileTable, type Profile } from './profile';

/** What an ingest config says about reading its file (the dialect, the gzip cap, the encoding), checked against the file's format. */
export function readOptions(
  config: Pick<IngestConfig, 'delimiter' | 'decimalSeparator' | 'maxBytes' | 'encoding'>,
  format: TabularFormat,
): { csv: Partial<CsvDialect>; maxBytes: number; encoding?: string } {
  if (format !== 'csv' && (config.delimiter || config.decimalSeparator)) throw new ConfigError(`delimiter and decimalSeparator apply to CSV only; this source is ${format}`);
  if (format === 'parquet' && config.encoding) throw new ConfigError('encoding applies to text sources (CSV, JSON); this source is parquet');
  const csv = { ...(config.delimiter ? { delimiter: config.delimiter } : {}), ...(config.decimalSeparator ? { decimalSeparator: config.decimalSeparator } : {}) };
  return { csv, maxBytes: config.maxBytes, ...(config.encoding ? { encoding: config.encoding } : {}) };
}

/**
 * The data path of ingest: reads a local file (strictly, for CSV, in the dialect `source.csv` states
 * or the file shows; gzip decompressed, up to `source.maxBytes`; text in `source.encoding`, or UTF-16
 * by its byte-order mark, converted to UTF-8), profiles it, and stores it as a
 * zstd-compressed Parquet artifact. `workDir` holds the temporary Parquet file.
 */
export async function ingestFile(
  path: string,
  format: TabularFormat,
  artifacts: ArtifactStore,
  workDir: string,
  progress: ReportProgress = ignoreProgress,
  source: { csv?: Partial<CsvDialect>; maxBytes?: number; encoding?: string } = {},
): Promise<{ dataset: ArtifactRef; profile: Profile; csv?: CsvDialect; renamed: RenamedColumn[] }> {
  const parquet = join(workDir, 'dataset.parquet');
  const { profile, read } = await withDuckDb(async (connection) => {
    const loaded = await loadTable(connection, path, format, { progress, workDir, ...source });
    const profiled = await profileTable(connection);
    if (profiled.rows === 0) throw new DataError('the source has no rows');
    await connection.run(`COPY data TO ${sqlString(parquet)} (FORMAT parquet, COMPRESSION zstd)`);
    return { profile: profiled, read: loaded };
  }, progress);
  return { dataset: await artifacts.putFile(parquet, 'application/vnd.apache.parquet'), profile, ...(read.dialect ? { csv: read.dialect } : {}), renamed: read.renamed };
}
