import type { Pool } from 'pg';
import type { ServableModel } from '../ml/servableModel';
import type { ColumnSample } from './driftReport';
import { ignoreProgress, type ReportProgress } from '../progress';
import { readColumns } from './readColumns';
import { servedInWindow } from '../store/predictionLogTable';

/** What a model is compared on: its inputs, its predictions on them, and the true labels where known. */
export interface CurrentSample {
  rows: number;
  columns: Map<string, ColumnSample>;
  predictions: (string | number)[];
  /** Predictions whose true label is known (feedback, or the target column of a dataset). */
  labelled: { prediction: string | number; label: string | number }[];
  /** The prediction-log window, or the dataset compared. */
  source: { kind: 'prediction-log'; from: string; to: string } | { kind: 'dataset'; sha256: string };
}

/** Predictions on at most this many rows of a file (evenly spaced) stand for the whole file. */
export const PREDICTION_SAMPLE_ROWS = 20_000;

/** The inputs the model served in a window of the prediction log, newest first, at most maxRows. */
export async function fromPredictionLog(pool: Pool, document: ServableModel, request: { model: string; from: Date; to: Date; maxRows: number }): Promise<CurrentSample> {
  const rows = await servedInWindow(pool, request);
  const columns = new Map<string, ColumnSample>(
    document.features.map(({ name, kind }) => [
      name,
      kind === 'numeric' ? { kind, values: Float64Array.from(rows, (r) => (typeof r.features[name] === 'number' ? (r.features[name] as number) : NaN)) } : { kind, values: rows.map((r) => r.features[name]) },
    ]),
  );
  return {
    rows: rows.length,
    columns,
    predictions: rows.map((r) => r.prediction),
    labelled: rows.filter((r) => r.label !== null).map((r) => ({ prediction: r.prediction, label: r.label as string | number })),
    source: { kind: 'prediction-log', from: request.from.toISOString(), to: request.to.toISOString() },
  };
}

/** A data file (a dataset artifact's Parquet): its feature columns, the model's predictions on a sample, and the target where present. */
export async function fromDataFile(path: string, document: ServableModel, sha256: string, progress: ReportProgress = ignoreProgress): Promise<CurrentSample> {
  const targetKind = document.task === 'classification' ? 'categorical' : 'numeric';
  const { columns, rows } = await readColumns(path, 'parquet', [...document.features, { name: document.target, kind: targetKind }], progress);
  progress({ phase: 'predict-sample' });
  const target = columns.get(document.target);
  columns.delete(document.target);
  const { predictions, indices } = await predictSample(document, columns, rows);
  const labelled = target
    ? indices.flatMap((i, k) => {
        const label = (target.values as ArrayLike<unknown>)[i];
        return label === null || label === undefined || (typeof label === 'number' && !Number.isFinite(label)) ? [] : [{ prediction: predictions[k] as string | number, label: label as string | number }];
      })
    : [];
  return { rows, columns, predictions, labelled, source: { kind: 'dataset', sha256 } };
}

/** The model's predictions on an evenly spaced sample of at most PREDICTION_SAMPLE_ROWS rows of the columns. */
export async function predictSample(document: ServableModel, columns: Map<string, ColumnSample>, rowCount: number): Promise<{ predictions: (string | number)[]; indices: number[] }> {
  const step = Math.max(1, Math.ceil(rowCount / PREDICTION_SAMPLE_ROWS));
  const indices: number[] = [];
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < rowCount; i += step) {
    const row: Record<string, unknown> = {};
    for (const [name, column] of columns) row[name] = (column.values as ArrayLike<unknown>)[i];
    rows.push(row);
    indices.push(i);
  }
  return { predictions: (await document.predict(rows)).map((r) => (r.label ?? r.value) as string | number), indices };
}
