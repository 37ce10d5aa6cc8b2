import { loadModel, type ServableModel } from '../ml/servableModel';
import type { Pool } from 'pg';
import type { ArtifactStore } from '../artifacts/artifactStore';
import { artifactUri } from '../artifacts/artifactRef';
import { DataError } from '../errors';
import { aliasLastMovedAt, resolveAlias } from '../registry/aliases';
import { insertDriftReport } from '../store/driftReportsTable';
import { DriftThresholdsSchema, type DriftThresholdsInput, type FeatureDrift } from './driftReport';
import { datasetRows } from '../store/datasets';
import { fromDataFile, fromPredictionLog, type CurrentSample } from './currentSample';
import { runInThread } from '../threads/runInThread';
import { ignoreProgress, type ReportProgress } from '../progress';
import { readColumns } from './readColumns';

/** Compare with the inputs served in a window of the prediction log, or with a dataset (a new batch). */
export type DriftCurrent = { kind: 'prediction-log'; windowMs: number; maxRows: number; now: Date } | { kind: 'dataset'; sha256: string };

export interface ModelDriftRequest {
  model: string;
  alias: string;
  current: DriftCurrent;
  /** Fewer rows than this: no verdict yet. */
  minRows: number;
  thresholds: DriftThresholdsInput;
  /** Told of each phase and of the data read (a monitor step's heartbeat). */
  progress?: ReportProgress;
}

export interface ModelDriftReport {
  id: number;
  status: 'checked' | 'insufficient-data';
  model: string;
  version: number;
  alias: string;
  /** The prediction-log window compared (from is never before the alias's last move), or null for a dataset. */
  window: { from: string; to: string } | null;
  reference: { dataset: string; rows: number };
  current: { rows: number; labelled: number; dataset: string | null };
  features: FeatureDrift[];
  missingColumns: string[];
  prediction: FeatureDrift | null;
  accuracy: { reference: number | null; current: number; labelled: number; dropped: boolean } | null;
  driftedFeatures: string[];
  drifted: boolean;
  thresholds: ReturnType<typeof DriftThresholdsSchema.parse>;
  createdAt: string;
  /** Set by the watcher when drift started no retrain for want of labelled predictions. */
  retrainSkipped?: string;
}

/** Accuracy from labels is judged from this many labels on. */
const MIN_LABELS = 20;

/**
 * Compares what a served model sees now (the inputs it served recently, from the prediction log, or a
 * newly ingested dataset) with the data its version was trained on (the version's dataset in the
 * artifact store), plus its predictions and, where true labels exist, its accuracy; stores the report
 * in drift_reports and returns it. Undefined while the alias points nowhere.
 */
export async function checkModelDrift(pool: Pool, artifacts: ArtifactStore, request: ModelDriftRequest): Promise<ModelDriftReport | undefined> {
  const thresholds = DriftThresholdsSchema.parse(request.thresholds);
  const progress = request.progress ?? ignoreProgress;
  const version = await resolveAlias(pool, request.model, request.alias);
  // Watching a model before its first deploy is normal (the schedule exists from the start): nothing to compare yet.
  if (!version) return undefined;
  const document = await loadModel(artifacts, artifactUri(version.modelSha256));
  progress({ phase: 'current' });
  const current = await currentSample(pool, artifacts, document, request, progress);
  const referencePath = () => artifacts.verifiedPath(artifactUri(version.lineage.datasetSha256));
  const base = (referenceRows: number) => ({
    model: request.model,
    version: version.version,
    alias: request.alias,
    window: current.source.kind === 'prediction-log' ? { from: current.source.from, to: current.source.to } : null,
    reference: { dataset: version.lineage.datasetSha256, rows: referenceRows },
    current: { rows: current.rows, labelled: current.labelled.length, dataset: current.source.kind === 'dataset' ? current.source.sha256 : null },
    thresholds,
  });
  if (current.rows < request.minRows) {
    // No verdict: the reference's row count comes from the datasets table, not from reading the dataset (an hourly watcher waits here often).
    const referenceRows = (await datasetRows(pool, version.lineage.datasetSha256)) ?? (await readColumns(await referencePath(), 'parquet', document.features, progress)).rows;
    return insertDriftReport(pool, { ...base(referenceRows), status: 'insufficient-data', features: [], missingColumns: [], prediction: null, accuracy: null, driftedFeatures: [], drifted: false });
  }
  // Reading the reference and the statistics (sorts, histograms, predictions) run in a stage thread, off the worker's event loop.
  const { referenceRows, comparison, prediction } = await runInThread(
    'drift',
    { artifactsRoot: artifacts.root, modelUri: artifactUri(version.modelSha256), referencePath: await referencePath(), current: { columns: current.columns, predictions: current.predictions }, thresholds },
    progress,
  );
  const accuracy = accuracyFromLabels(document, current.labelled, version.metrics.accuracy, thresholds.accuracyDrop);
  const driftedFeatures = comparison.driftedFeatures;
  const drifted = driftedFeatures.length >= thresholds.minDriftedFeatures || prediction.drifted || (accuracy?.dropped ?? false);
  return insertDriftReport(pool, { ...base(referenceRows), status: 'checked', features: comparison.features, missingColumns: comparison.missingColumns, prediction, accuracy, driftedFeatures, drifted });
}

async function currentSample(pool: Pool, artifacts: ArtifactStore, document: ServableModel, request: ModelDriftRequest, progress: ReportProgress): Promise<CurrentSample> {
  if (request.current.kind === 'dataset') {
    const { sha256 } = request.current;
    const path = await artifacts.verifiedPath(artifactUri(sha256)).catch(() => {
      throw new DataError(`dataset ${sha256} is not in the artifact store`);
    });
    return fromDataFile(path, document, sha256, progress);
  }
  const { windowMs, maxRows, now } = request.current;
  const movedAt = await aliasLastMovedAt(pool, request.model, request.alias);
  const from = new Date(Math.max(now.getTime() - windowMs, movedAt?.getTime() ?? 0));
  return fromPredictionLog(pool, document, { model: request.model, from, to: now, maxRows });
}

function accuracyFromLabels(document: ServableModel, labelled: CurrentSample['labelled'], referenceAccuracy: unknown, allowedDrop: number | null): ModelDriftReport['accuracy'] {
  if (document.task !== 'classification' || labelled.length < MIN_LABELS) return null;
  const current = labelled.filter((r) => String(r.prediction) === String(r.label)).length / labelled.length;
  const reference = typeof referenceAccuracy === 'number' ? referenceAccuracy : null;
  const dropped = reference !== null && allowedDrop !== null && reference - current >= allowedDrop;
  return { reference, current, labelled: labelled.length, dropped };
}
