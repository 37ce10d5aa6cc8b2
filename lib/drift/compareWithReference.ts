import { ArtifactStore } from '../artifacts/artifactStore';
import { loadModel, type ServableModel } from '../ml/servableModel';
import { ignoreProgress, type ReportProgress } from '../progress';
import { predictSample } from './currentSample';
import { compareSamples, featureDrift, type ColumnSample, type DriftComparison, type DriftThresholdsSchema, type FeatureDrift } from './driftReport';
import { readColumns } from './readColumns';

export interface ReferenceComparisonInput {
  /** The artifact store's root (a thread opens its own view of it). */
  artifactsRoot: string;
  /** The served version's model artifact and the Parquet dataset it was trained on. */
  modelUri: string;
  referencePath: string;
  /** What the model sees now: its feature columns and its predictions on them. */
  current: { columns: Map<string, ColumnSample>; predictions: (string | number)[] };
  thresholds: ReturnType<typeof DriftThresholdsSchema.parse>;
}

export interface ReferenceComparison {
  referenceRows: number;
  comparison: DriftComparison;
  prediction: FeatureDrift;
}

/** A model's predictions as a sample: categories for a classifier, numbers for a regressor. */
export function predictionSample(document: Pick<ServableModel, 'task'>, values: (string | number)[]): ColumnSample {
  return document.task === 'classification' ? { kind: 'categorical', values } : { kind: 'numeric', values: Float64Array.from(values, Number) };
}

/**
 * The drift check's CPU-heavy part, run in a stage thread: the reference columns read from the
 * training dataset, every feature's statistics against the current sample, and the prediction
 * distribution on the reference against the current one.
 */
export async function compareWithReference(input: ReferenceComparisonInput, progress: ReportProgress = ignoreProgress): Promise<ReferenceComparison> {
  const document = await loadModel(new ArtifactStore(input.artifactsRoot), input.modelUri);
  progress({ phase: 'reference' });
  const reference = await readColumns(input.referencePath, 'parquet', document.features, progress);
  progress({ phase: 'compare' });
  const comparison = compareSamples(reference.columns, input.current.columns, input.thresholds);
  const referencePredictions = (await predictSample(document, reference.columns, reference.rows)).predictions;
  const prediction = featureDrift('prediction', predictionSample(document, referencePredictions), predictionSample(document, input.current.predictions), input.thresholds);
  return { referenceRows: reference.rows, comparison, prediction };
}
