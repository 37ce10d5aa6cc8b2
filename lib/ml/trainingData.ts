import { JSDuckDBValueConverter, type DuckDBConnection } from '@duckdb/node-api';
import { sqlIdentifier } from '../data/duckdb';
import { featureKindOf, isNumericType } from '../data/columnTypes';
import { DataError } from '../errors';
import { yieldToEventLoop } from '../progress';
import type { Preprocessing } from './model';
import { encodedWidth, encodeRow } from './model';

export interface FeatureKind {
  name: string;
  kind: 'numeric' | 'categorical';
}

export interface TrainingData {
  rows: Record<string, unknown>[];
  features: FeatureKind[];
  /** The target of each row, as text (classification) or number (regression). */
  targets: (string | number)[];
  droppedRows: number;
}

const toPlain = (value: unknown) => (typeof value === 'bigint' ? Number(value) : value);

/**
 * Reads the table `data` for training: the target column and the features (by default every other
 * column that is numeric, text or boolean). Rows without a target are dropped and counted.
 */
export async function loadTrainingData(connection: DuckDBConnection, target: string, wanted: string[] | undefined, task: 'classification' | 'regression'): Promise<TrainingData> {
  const described = (await connection.runAndReadAll('DESCRIBE data')).getRowObjectsJS().map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  const columns = new Map(described.map((c) => [c.name, c.type]));
  const targetType = columns.get(target);
  if (!targetType) throw new DataError(`target column '${target}' is not in the dataset; columns: ${[...columns.keys()].join(', ')}`);
  if (task === 'regression' && !isNumericType(targetType)) throw new DataError(`target column '${target}' is ${targetType}: regression needs a numeric target`);
  const features: FeatureKind[] = [];
  for (const name of wanted ?? described.map((c) => c.name).filter((n) => n !== target)) {
    const type = columns.get(name);
    if (!type) throw new DataError(`feature column '${name}' is not in the dataset`);
    if (name === target) throw new DataError(`'${name}' is the target; it cannot be a feature too`);
    const kind = featureKindOf(type);
    if (kind) features.push({ name, kind });
    else if (wanted) throw new DataError(`feature column '${name}' is ${type}: only numeric, text and boolean columns can be features`);
  }
  if (features.length === 0) throw new DataError('no usable feature columns');
  const select = [target, ...features.map((f) => f.name)].map(sqlIdentifier).join(', ');
  const rows: Record<string, unknown>[] = [];
  const targets: (string | number)[] = [];
  let droppedRows = 0;
  const addRow = (record: Record<string, unknown>) => {
    const value = toPlain(record[target]);
    if (value === null || value === undefined || (typeof value === 'number' && !Number.isFinite(value))) {
      droppedRows += 1;
      return;
    }
    const row: Record<string, unknown> = {};
    for (const f of features) row[f.name] = toPlain(record[f.name]);
    rows.push(row);
    targets.push(task === 'classification' ? String(value) : Number(value));
  };
  // Streamed chunk by chunk (2,048 rows each, fetched asynchronously): turning 100k rows into objects
  // at once would hold the process's event loop for a second or more.
  const result = await connection.stream(`SELECT ${select} FROM data`);
  const names = [target, ...features.map((f) => f.name)];
  for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    const columns = chunk.convertColumns(JSDuckDBValueConverter);
    for (let i = 0; i < chunk.rowCount; i++) addRow(Object.fromEntries(names.map((name, c) => [name, (columns[c] as unknown[])[i]])));
  }
  if (rows.length < 2) throw new DataError(`only ${rows.length} rows have a value for '${target}'`);
  return { rows, features, targets, droppedRows };
}

/** Standardization and one-hot categories, learned from the given (training) rows only; yields between features. */
export async function fitPreprocessing(rows: Record<string, unknown>[], features: FeatureKind[]): Promise<Preprocessing> {
  const numeric: Preprocessing['numeric'] = [];
  const categorical: Preprocessing['categorical'] = [];
  for (const { name, kind } of features) {
    if (kind === 'numeric') {
      let count = 0;
      let sum = 0;
      for (const row of rows) {
        const v = row[name];
        if (typeof v === 'number' && Number.isFinite(v)) {
          count += 1;
          sum += v;
        }
      }
      const mean = sum / Math.max(1, count);
      let squares = 0;
      for (const row of rows) {
        const v = row[name];
        if (typeof v === 'number' && Number.isFinite(v)) squares += (v - mean) ** 2;
      }
      numeric.push({ name, mean, std: Math.sqrt(squares / Math.max(1, count)) || 1 });
    } else {
      const seen = new Set<string>();
      for (const row of rows) if (row[name] !== null && row[name] !== undefined) seen.add(String(row[name]));
      categorical.push({ name, categories: [...seen].sort() });
    }
    await yieldToEventLoop();
  }
  return { numeric, categorical };
}

/** Rows encoded between two yields to the event loop. */
const ENCODE_CHUNK_ROWS = 5_000;

/** The encoded matrix of the given rows, row-major; yields every few thousand rows. */
export async function encodeRows(preprocessing: Preprocessing, rows: Record<string, unknown>[]): Promise<{ x: Float64Array; width: number }> {
  const width = encodedWidth(preprocessing);
  const x = new Float64Array(rows.length * width);
  for (let i = 0; i < rows.length; i++) {
    encodeRow(preprocessing, rows[i] as Record<string, unknown>, x, i * width);
    if ((i + 1) % ENCODE_CHUNK_ROWS === 0) await yieldToEventLoop();
  }
  return { x, width };
}
