import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlIdentifier } from '../data/duckdb';
import { isNumericType } from '../data/profile';
import { DataError } from '../errors';
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
  const kindOf = (type: string): FeatureKind['kind'] | undefined => (isNumericType(type) ? 'numeric' : /^(VARCHAR|BOOLEAN|ENUM)/.test(type) ? 'categorical' : undefined);
  const features: FeatureKind[] = [];
  for (const name of wanted ?? described.map((c) => c.name).filter((n) => n !== target)) {
    const type = columns.get(name);
    if (!type) throw new DataError(`feature column '${name}' is not in the dataset`);
    if (name === target) throw new DataError(`'${name}' is the target; it cannot be a feature too`);
    const kind = kindOf(type);
    if (kind) features.push({ name, kind });
    else if (wanted) throw new DataError(`feature column '${name}' is ${type}: only numeric, text and boolean columns can be features`);
  }
  if (features.length === 0) throw new DataError('no usable feature columns');
  const select = [target, ...features.map((f) => f.name)].map(sqlIdentifier).join(', ');
  const raw = (await connection.runAndReadAll(`SELECT ${select} FROM data`)).getRowObjectsJS();
  const rows: Record<string, unknown>[] = [];
  const targets: (string | number)[] = [];
  let droppedRows = 0;
  for (const record of raw) {
    const value = toPlain(record[target]);
    if (value === null || value === undefined || (typeof value === 'number' && !Number.isFinite(value))) {
      droppedRows += 1;
      continue;
    }
    const row: Record<string, unknown> = {};
    for (const f of features) row[f.name] = toPlain(record[f.name]);
    rows.push(row);
    targets.push(task === 'classification' ? String(value) : Number(value));
  }
  if (rows.length < 2) throw new DataError(`only ${rows.length} rows have a value for '${target}'`);
  return { rows, features, targets, droppedRows };
}

/** Standardization and one-hot categories, learned from the given (training) rows only. */
export function fitPreprocessing(rows: Record<string, unknown>[], features: FeatureKind[]): Preprocessing {
  const numeric = features
    .filter((f) => f.kind === 'numeric')
    .map(({ name }) => {
      const values = rows.map((r) => r[name]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
      const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length);
      return { name, mean, std: Math.sqrt(variance) || 1 };
    });
  const categorical = features
    .filter((f) => f.kind === 'categorical')
    .map(({ name }) => ({ name, categories: [...new Set(rows.map((r) => r[name]).filter((v) => v !== null && v !== undefined).map(String))].sort() }));
  return { numeric, categorical };
}

/** The encoded matrix of the given rows, row-major. */
export function encodeRows(preprocessing: Preprocessing, rows: Record<string, unknown>[]): { x: Float64Array; width: number } {
  const width = encodedWidth(preprocessing);
  const x = new Float64Array(rows.length * width);
  rows.forEach((row, i) => encodeRow(preprocessing, row, x, i * width));
  return { x, width };
}
