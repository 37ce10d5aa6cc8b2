import { ArtifactStore } from '../artifacts/artifactStore';
import { ignoreProgress, type ReportProgress } from '../progress';
import { scoreModel, type ModelMetrics } from './evaluateModel';
import { featureKindOf } from '../data/columnTypes';
import { datasetColumns, loadAll, loadAndSplit } from './holdout';
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
  /** Why the incumbent was not scored on these rows: what follows its name ("predicts 'y', not 'label'"). */
  incumbentNotScored?: string;
  rows: number;
}

/** evaluate's CPU-heavy part: the rows read from the dataset, each model's predictions and metrics. */
export async function scoreOnDataset(input: ScoreInput, progress: ReportProgress = ignoreProgress): Promise<ScoreResult> {
  const artifacts = new ArtifactStore(input.artifactsRoot);
  const model = await loadModel(artifacts, input.model);
  const incumbent = input.incumbent ? await loadModel(artifacts, input.incumbent) : undefined;
  const incumbentNotScored = incumbent && whyNotComparable(model, incumbent, await datasetColumns(input.datasetPath));
  const own = model.features.map((f) => f.name);
  // The rows carry what either model reads: the incumbent is scored on its own features, not the candidate's.
  const theirs = incumbent && !incumbentNotScored ? incumbent.features.map((f) => f.name).filter((name) => !own.includes(name)) : [];
  const spec = { target: model.target, features: [...own, ...theirs], task: model.task };
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
  const incumbentMetrics = incumbent && !incumbentNotScored ? await scoreModel(incumbent, rows, targets) : null;
  return {
    task: model.task,
    model: { format: model.format, algorithm: model.algorithm, hyperparameters: model.hyperparameters },
    metrics,
    incumbentMetrics,
    ...(incumbentNotScored ? { incumbentNotScored } : {}),
    rows: rows.length,
  };
}

type Described = Pick<ModelDescription, 'task' | 'target' | 'features'>;

/**
 * Why the incumbent cannot be scored on the rows the candidate is scored on, or undefined when it
 * can: it must predict the same target the same way, and every column it reads must be there with
 * a type it reads (a retrain that dropped or retyped a column leaves the incumbent's inputs behind).
 */
export function whyNotComparable(candidate: Described, incumbent: Described, columns: Map<string, string>): string | undefined {
  if (incumbent.target !== candidate.target) return `predicts '${incumbent.target}', not '${candidate.target}'`;
  if (incumbent.task !== candidate.task) return `is a ${incumbent.task} model, this one ${candidate.task}`;
  for (const feature of incumbent.features) {
    const type = columns.get(feature.name);
    if (type === undefined) return `reads '${feature.name}', which these rows do not have`;
    const kind = featureKindOf(type);
    // A number can be read as a category (a code); text cannot be read as a number.
    if (kind === undefined || (feature.kind === 'numeric' && kind !== 'numeric')) return `reads '${feature.name}' as ${feature.kind === 'numeric' ? 'a number' : 'a category'}; it is ${type} here`;
  }
  return undefined;
}
