import { JSDuckDBValueConverter, type DuckDBConnection } from '@duckdb/node-api';
import { describeColumns, sqlIdentifier } from '../data/duckdb';
import { featureKindOf, isNumericType } from '../data/columnTypes';
import { DataError } from '../errors';
import { yieldToEventLoop } from '../progress';
import { DEFAULT_MAX_CATEGORIES } from '../data/identifierColumns';
import { screenDefaultFeatures, type FeatureKind, type LeftOutColumn } from './defaultFeatures';
import type { Preprocessing } from './model';
import { encodedWidth, encodeRow } from './model';

export type { FeatureKind, LeftOutColumn } from './defaultFeatures';

export interface TrainingData {
  rows: Record<string, unknown>[];
  features: FeatureKind[];
  /** The target of each row, as text (classification) or number (regression). */
  targets: (string | number)[];
  droppedRows: number;
  /** Columns left out of the default features (empty when the features were named). */
  leftOut: LeftOutColumn[];
}

const toPlain = (value: unknown) => (typeof value === 'bigint' ? Number(value) : value);

/**
 * Reads the table `data` for training: the target column and the features (by default every other
 * column that is numeric, text or boolean, less those screenDefaultFeatures leaves out, listed with
 * why). Rows without a target are dropped and counted.
 */
export async function loadTrainingData(
  connection: DuckDBConnection,
  target: string,
  wanted: string[] | undefined,
  task: 'classification' | 'regression',
  maxCategories = DEFAULT_MAX_CATEGORIES,
): Promise<TrainingData> {
  const described = await describeColumns(connection);
  const columns = new Map(described.map((c) => [c.name, c.type]));
  const targetType = columns.get(target);
  if (!targetType) throw new DataError(`target column '${target}' is not in the dataset; columns: ${[...columns.keys()].join(', ')}`);
  if (task === 'regression' && !isNumericType(targetType)) throw new DataError(`target column '${target}' is ${targetType}: regression needs a numeric target`);
  const usable: FeatureKind[] = [];
  const unusable: LeftOutColumn[] = [];
  for (const name of wanted ?? described.map((c) => c.name).filter((n) => n !== target)) {
    const type = columns.get(name);
    if (!type) throw new DataError(`feature column '${name}' is not in the dataset; columns: ${[...columns.keys()].join(', ')}`);
    if (name === target) throw new DataError(`'${name}' is the target; it cannot be a feature too`);
    const kind = featureKindOf(type);
    if (kind) usable.push({ name, kind });
    else if (wanted) throw new DataError(`feature column '${name}' is ${type}: only numeric, text and boolean columns can be features`);
    else unusable.push({ column: name, reason: `${type}: only numeric, text and boolean columns can be features` });
  }
  // Named features are used as named; the default ones are screened (empty, identifier-like, an index).
  const screened = wanted ? { features: usable, leftOut: [] } : await screenDefaultFeatures(connection, usable, columns, maxCategories);
  const features = screened.features;
  const leftOut = [...unusable, ...screened.leftOut];
  if (features.length === 0) throw new DataError(`no usable feature columns${leftOut.length > 0 ? `: ${leftOut.map((c) => `'${c.column}' ${c.reason}`).join('; ')}` : ''}`);
  const select = [target, ...features.map((f) => f.name)].map(sqlIdentifier).join(', ');
  const rows: Record<string, unknown>[] = [];
  const targets: (string | number)[] = [];
  let droppedRows = 0;
  let fractional: number | undefined;
  const addRow = (record: Record<string, unknown>) => {
    const value = toPlain(record[target]);
    if (value === null || value === undefined || (typeof value === 'number' && !Number.isFinite(value))) {
      droppedRows += 1;
      return;
    }
    const row: Record<string, unknown> = {};
    for (const f of features) row[f.name] = toPlain(record[f.name]);
    rows.push(row);
    if (task === 'classification' && typeof value === 'number' && !Number.isInteger(value)) fractional ??= value;
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
  // As scikit-learn's classifiers refuse a "continuous" target: fractional numbers are a quantity, not classes.
  if (fractional !== undefined) throw new DataError(`target '${target}' holds fractional numbers (such as ${fractional}): a classifier needs classes; to predict a number, train ridge-regression (the tabular-regression pipeline)`);
  return { rows, features, targets, droppedRows, leftOut };
}

/**
 * The categories a text feature is encoded with: its `maxCategories` most frequent values in the
 * training rows (ties by name), sorted by name. A rarer value encodes like one never seen (all zeros),
 * as scikit-learn's OneHotEncoder(max_categories) folds them into one; the width of the encoded rows
 * stays bounded whatever the column holds.
 */
function keptCategories(rows: Record<string, unknown>[], name: string, maxCategories: number): string[] {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const value = row[name];
    if (value === null || value === undefined) continue;
    const text = String(value);
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const all = [...counts.keys()];
  if (all.length <= maxCategories) return all.sort(byName);
  return all
    .sort((a, b) => (counts.get(b) as number) - (counts.get(a) as number) || byName(a, b))
    .slice(0, maxCategories)
    .sort(byName);
}

/** Standardization and one-hot categories, learned from the given (training) rows only; yields between features. */
export async function fitPreprocessing(rows: Record<string, unknown>[], features: FeatureKind[], maxCategories = DEFAULT_MAX_CATEGORIES): Promise<Preprocessing> {
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
      categorical.push({ name, categories: keptCategories(rows, name, maxCategories) });
    }
    await yieldToEventLoop();
  }
  return { numeric, categorical };
}

/** Rows encoded between two yields to the event loop. */
const ENCODE_CHUNK_ROWS = 5_000;

/** The most bytes the encoded training rows may take (8 bytes a cell): past it a fit would exhaust a worker's memory or V8's array limit. */
export const MAX_ENCODED_BYTES = 4 * 1024 ** 3;

/** The encoded matrix of the given rows, row-major; yields every few thousand rows. */
export async function encodeRows(preprocessing: Preprocessing, rows: Record<string, unknown>[]): Promise<{ x: Float64Array; width: number }> {
  const width = encodedWidth(preprocessing);
  const bytes = rows.length * width * Float64Array.BYTES_PER_ELEMENT;
  if (bytes > MAX_ENCODED_BYTES) {
    const widest = [...preprocessing.categorical].sort((a, b) => b.categories.length - a.categories.length).slice(0, 3);
    const categories = widest.length > 0 ? `; the widest text features: ${widest.map((c) => `${c.name} (${c.categories.length} categories)`).join(', ')}` : '';
    throw new DataError(
      `the encoded training rows would take ${(bytes / 1024 ** 3).toFixed(1)} GiB (${rows.length} rows x ${width} inputs), more than the ${MAX_ENCODED_BYTES / 1024 ** 3} GiB a fit holds${categories}: name fewer features, lower maxCategories, or sample the rows`,
    );
  }
  const x = new Float64Array(rows.length * width);
  for (let i = 0; i < rows.length; i++) {
    encodeRow(preprocessing, rows[i] as Record<string, unknown>, x, i * width);
    if ((i + 1) % ENCODE_CHUNK_ROWS === 0) await yieldToEventLoop();
  }
  return { x, width };
}
