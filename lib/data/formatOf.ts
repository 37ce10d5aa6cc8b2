import { extname } from 'node:path';
import { ConfigError } from '../errors';
import { TABULAR_FORMATS, type TabularFormat } from './formats';

/** The tabular format a file path's extension says (`.gz` after it: gzip, read as what it holds), unless one is given explicitly. */
export function formatOf(path: string, explicit?: TabularFormat): TabularFormat {
  if (explicit) return explicit;
  const extension = extname(path.replace(/\.gz$/i, '')).toLowerCase();
  if (extension === '.csv' || extension === '.tsv' || extension === '.txt') return 'csv';
  if (extension === '.parquet' || extension === '.pq') return 'parquet';
  if (extension === '.jsonl' || extension === '.ndjson') return 'jsonl';
  if (extension === '.json') return 'json';
  throw new ConfigError(`cannot tell the format of '${path}' from its extension: set format to ${TABULAR_FORMATS.join(', ')}`);
}
