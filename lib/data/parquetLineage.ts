import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { logger } from '../logger';
import { sqlString } from './sqlText';

/**
 * The Parquet key-value metadata naming the datasets a stored dataset was computed from, as a JSON
 * array of sha256s. Python's `put_dataset(frame, derived_from=...)` writes it (python/cairn_steps/
 * artifacts.py, DERIVED_FROM_KEY): a Python step cannot reach the metadata store, so the lineage
 * travels in the file to the stage that records the dataset.
 */
export const DERIVED_FROM_KEY = 'cairn.derived_from';

const DerivedFromSchema = z.array(z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 is 64 lower-case hex digits')).max(1000);

/** The datasets a Parquet file says it was derived from; none when it says nothing, or something unreadable (logged, never a reason to fail the step). */
export async function parquetDerivedFrom(connection: DuckDBConnection, path: string): Promise<string[]> {
  const rows = (await connection.runAndReadAll(`SELECT decode(value) AS value FROM parquet_kv_metadata(${sqlString(path)}) WHERE decode(key) = ${sqlString(DERIVED_FROM_KEY)}`)).getRowObjectsJS();
  const text = rows[0]?.value;
  if (typeof text !== 'string') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  const derivedFrom = DerivedFromSchema.safeParse(parsed);
  if (!derivedFrom.success) {
    logger.warn({ path, key: DERIVED_FROM_KEY, value: text.slice(0, 200) }, `the dataset's ${DERIVED_FROM_KEY} metadata is not a list of sha256s; its lineage is left out`);
    return [];
  }
  return [...new Set(derivedFrom.data)];
}
