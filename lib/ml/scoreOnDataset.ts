import { ArtifactStore } from '../artifacts/artifactStore';
import { ignoreProgress, type ReportProgress } from '../progress';
import { scoreModel, type ModelMetrics } from './evaluateModel';
import { loadAll, loadAndSplit } from './holdout';
import { loadModel, type ModelDescription } from './servableModel';

export interface ScoreInput {
  /** The artifact store's root (a thread opens its own view of it). */
  artifactsRoot: string;
  /** The candidate model's artifact URI, and the incumbent's to compare on the same rows. */
  model: string;
  incumbent?: string | undefined;
  datasetPath: string;
  /** Score the holdout of this seeded split (the rows training never saw); without it, every row. */
  split?: { testFraction: number; seed: number } | undefined;
}

export interface ScoreResult {
  task: 'classification' | 'regression';
  /** What the scored model is (read once, here): evaluate records a model trained elsewhere from it. */
  model: Pick<ModelDescription, 'format' | 'algorithm' | 'hyperparameters'>;
  metrics: ModelMetrics;
  incumbentMetrics: ModelMetrics | null;
  rows: number;
}

/** evaluate's CPU-heavy part: the rows read from the dataset, each model's predictions and metrics. */
export async function scoreOnDataset(input: ScoreInput, progress: ReportProgress = ignoreProgress): Promise<ScoreResult> {
  const artifacts = new ArtifactStore(input.artifactsRoot);
  const model = await loadModel(artifacts, input.model);
  const spec = { target: model.target, features: model.features.map((f) => f.name), task: model.task };
  let rows: Record<string, unknown>[];
  let targets: (string | number)[];
  if (input.split) {
    const { data, split } = await loadAndSplit(input.datasetPath, { ...spec, ...input.split }, progress);
    rows = split.test.map((i) => data.rows[i] as Record<string, unknown>);
    targets = split.test.map((i) => data.targets[i] as string | number);
  } else {
    ({ rows, targets } = await loadAll(input.datasetPath, spec, progress));
  }
  progress({ phase: 'score', rows: rows.length });
  const metrics = await scoreModel(model, rows, targets);
  const incumbentMetrics = input.incumbent ? await scoreModel(await loadModel(artifacts, input.incumbent), rows, targets) : null;
  return { task: model.task, model: { format: model.format, algorithm: model.algorithm, hyperparameters: model.hyperparameters }, metrics, incumbentMetrics, rows: rows.length };
}
