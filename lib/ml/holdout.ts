import { describeColumns, sqlString, withDuckDb } from '../data/duckdb';
import { DataError } from '../errors';
import { ignoreProgress, type ReportProgress } from '../progress';
import { stratifiedSplit } from './split';
import { loadTrainingData, type TrainingData } from './trainingData';

export interface SplitData {
  data: TrainingData;
  split: { train: number[]; test: number[] };
}

/**
 * Loads a Parquet dataset for a model and splits it with the seeded, stratified holdout. Train and
 * evaluate both call this, so evaluation always scores the rows training never saw.
 */
/** Loads every row of a Parquet dataset for a model (an evaluation set: no split). */
export async function loadAll(
  datasetPath: string,
  spec: { target: string; features?: string[]; task: 'classification' | 'regression'; maxCategories?: number },
  progress: ReportProgress = ignoreProgress,
): Promise<TrainingData> {
  return withDuckDb(async (connection) => {
    await connection.run(`CREATE VIEW data AS SELECT * FROM read_parquet(${sqlString(datasetPath)})`);
    return loadTrainingData(connection, spec.target, spec.features, spec.task, spec.maxCategories);
  }, progress);
}

/** A Parquet dataset's columns and their DuckDB types, without reading its rows. */
export async function datasetColumns(datasetPath: string): Promise<Map<string, string>> {
  return withDuckDb(async (connection) => new Map((await describeColumns(connection, `read_parquet(${sqlString(datasetPath)})`)).map((c) => [c.name, c.type])));
}

export async function loadAndSplit(
  datasetPath: string,
  spec: { target: string; features?: string[]; task: 'classification' | 'regression'; maxCategories?: number; testFraction: number; seed: number },
  progress: ReportProgress = ignoreProgress,
): Promise<SplitData> {
  const data = await loadAll(datasetPath, spec, progress);
  if (spec.task === 'classification') {
    const classes = new Set(data.targets.map(String)).size;
    if (classes * 2 > data.rows.length) {
      throw new DataError(
        `target '${spec.target}' has ${classes} distinct values in ${data.rows.length} rows, fewer than 2 rows a class: too few to learn from or hold out; if it is a quantity, train ridge-regression (the tabular-regression pipeline)`,
      );
    }
  }
  const strata = spec.task === 'classification' ? data.targets.map(String) : data.targets.map(() => 'all');
  const split = stratifiedSplit(strata, spec.testFraction, spec.seed);
  if (split.train.length === 0 || split.test.length === 0) throw new DataError(`too few rows (${data.rows.length}) for a ${spec.testFraction} holdout`);
  return { data, split };
}
