import { ignoreProgress, type ReportProgress } from '../progress';
import { type z } from 'zod';
import { DataError } from '../errors';
import { TrainConfigSchema, type TrainConfig } from '../stages/train';
import { fitGradientBoosting } from './gradientBoosting';
import { fitLogisticRegression } from './logisticRegression';
import { predictYielding, type ModelDocument } from './model';
import { fitRidgeRegression } from './ridgeRegression';
import { loadAndSplit } from './holdout';
import { encodeRows, fitPreprocessing, type LeftOutColumn } from './trainingData';


export interface TrainResult {
  model: ModelDocument;
  split: { train: number[]; test: number[] };
  metrics: { trainRows: number; testRows: number; droppedRows: number; iterations: number; trainScore: number; holdoutScore: number; metric: 'accuracy' | 'rmse' };
  leftOut: LeftOutColumn[];
}

/** Each target's index in the sorted labels, looked up in a map (not searched per row). */
function labelIndices(labels: string[], targets: (string | number)[]): Int32Array {
  const index = new Map(labels.map((label, i) => [label, i]));
  return Int32Array.from(targets, (t) => index.get(String(t)) as number);
}

async function score(model: ModelDocument, rows: Record<string, unknown>[], targets: (string | number)[]): Promise<number> {
  const predictions = await predictYielding(model, rows);
  if (model.task === 'classification') return predictions.filter((p, i) => p.label === targets[i]).length / Math.max(1, rows.length);
  const squared = predictions.reduce((sum, p, i) => sum + ((p.value as number) - (targets[i] as number)) ** 2, 0);
  return Math.sqrt(squared / Math.max(1, rows.length));
}

/**
 * Trains on a Parquet dataset: seeded stratified split, preprocessing learned from the training
 * rows only, then the algorithm. Same data, config and seed give the same model. `progress` hears
 * the load and every round or iteration of the fit.
 */
export async function trainModel(datasetPath: string, options: z.input<typeof TrainConfigSchema>, progress: ReportProgress = ignoreProgress): Promise<TrainResult> {
  const config: TrainConfig = TrainConfigSchema.parse(options);
  const task = config.algorithm === 'ridge-regression' ? 'regression' : 'classification';
  const { data, split } = await loadAndSplit(datasetPath, { target: config.target, features: config.features, task, maxCategories: config.maxCategories, testFraction: config.testFraction, seed: config.seed }, progress);
  progress({ phase: 'fit' });
  const onProgress = (iteration: number, loss: number) => progress({ phase: 'fit', iteration, loss });
  const trainRows = split.train.map((i) => data.rows[i] as Record<string, unknown>);
  const preprocessing = await fitPreprocessing(trainRows, data.features, config.maxCategories);
  const { x, width } = await encodeRows(preprocessing, trainRows);
  const labels = task === 'classification' ? [...new Set(split.train.map((i) => String(data.targets[i])))].sort() : [];
  let weights: number[][];
  let bias: number[];
  let iterations = 1;
  let trees: ModelDocument['trees'];
  if (config.algorithm === 'gradient-boosted-trees') {
    if (labels.length < 2) throw new DataError(`target '${config.target}' has only one value in the training rows`);
    const y = labelIndices(labels, split.train.map((i) => data.targets[i] as string | number));
    const boosted = await fitGradientBoosting(x, y, width, labels.length, {
      rounds: config.rounds,
      learningRate: config.learningRate,
      maxDepth: config.maxDepth,
      l2: config.leafL2,
      minChildWeight: config.minChildWeight,
      bins: config.bins,
      onRound: onProgress,
    });
    trees = { baseScores: boosted.baseScores, rounds: boosted.trees };
    weights = [];
    bias = [];
    iterations = config.rounds;
  } else if (task === 'classification') {
    if (labels.length < 2) throw new DataError(`target '${config.target}' has only one value in the training rows`);
    const y = labelIndices(labels, split.train.map((i) => data.targets[i] as string | number));
    const fit = await fitLogisticRegression(x, y, width, labels.length, { l2: config.l2, maxIterations: config.maxIterations, onIteration: onProgress });
    ({ weights, bias, iterations } = fit);
  } else {
    const y = Float64Array.from(split.train.map((i) => data.targets[i] as number));
    const fit = fitRidgeRegression(x, y, width, config.l2);
    weights = [fit.weights];
    bias = [fit.bias];
  }
  const model: ModelDocument = {
    formatVersion: 1,
    algorithm: config.algorithm,
    task,
    target: config.target,
    features: data.features,
    preprocessing,
    weights,
    bias,
    labels,
    ...(trees ? { trees } : {}),
    hyperparameters: {
      ...(config.algorithm === 'gradient-boosted-trees'
        ? { leafL2: config.leafL2, rounds: config.rounds, learningRate: config.learningRate, maxDepth: config.maxDepth, minChildWeight: config.minChildWeight, bins: config.bins }
        : { l2: config.l2, maxIterations: config.maxIterations }),
      maxCategories: config.maxCategories,
      testFraction: config.testFraction,
      seed: config.seed,
    },
  };
  const testRows = split.test.map((i) => data.rows[i] as Record<string, unknown>);
  return {
    model,
    split,
    leftOut: data.leftOut,
    metrics: {
      trainRows: split.train.length,
      testRows: split.test.length,
      droppedRows: data.droppedRows,
      iterations,
      trainScore: await score(model, trainRows, split.train.map((i) => data.targets[i] as string | number)),
      holdoutScore: await score(model, testRows, split.test.map((i) => data.targets[i] as string | number)),
      metric: task === 'classification' ? 'accuracy' : 'rmse',
    },
  };
}
