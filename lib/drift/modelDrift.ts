import { readModelDocument } from '../ml/readModelDocument';
import type { Pool } from 'pg';
import type { ArtifactStore } from '../artifacts/artifactStore';
import { artifactUri } from '../artifacts/artifactRef';
import { DataError } from '../errors';
import type { ModelDocument } from '../ml/model';
import { resolveAlias } from '../registry/registry';
import { compareSamples, DriftThresholdsSchema, featureDrift, type ColumnSample, type DriftThresholdsInput, type FeatureDrift } from './driftReport';
import { datasetRows } from '../store/datasets';
import { fromDataFile, fromPredictionLog, predictSample, type CurrentSample } from './currentSample';
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
  const document = await readModelDocument(artifacts, artifactUri(version.modelSha256));
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
    return store(pool, { ...base(referenceRows), status: 'insufficient-data', features: [], missingColumns: [], prediction: null, accuracy: null, driftedFeatures: [], drifted: false });
  }
  progress({ phase: 'reference' });
  const reference = await readColumns(await referencePath(), 'parquet', document.features, progress);
  progress({ phase: 'compare' });
  const comparison = compareSamples(reference.columns, current.columns, thresholds);
  const referencePredictions = predictSample(document, reference.columns, reference.rows).predictions;
  const prediction = featureDrift('prediction', predictionSample(document, referencePredictions), predictionSample(document, current.predictions), thresholds);
  const accuracy = accuracyFromLabels(document, current.labelled, version.metrics.accuracy, thresholds.accuracyDrop);
  const driftedFeatures = comparison.driftedFeatures;
  const drifted = driftedFeatures.length >= thresholds.minDriftedFeatures || prediction.drifted || (accuracy?.dropped ?? false);
  return store(pool, { ...base(reference.rows), status: 'checked', features: comparison.features, missingColumns: comparison.missingColumns, prediction, accuracy, driftedFeatures, drifted });
}

async function currentSample(pool: Pool, artifacts: ArtifactStore, document: ModelDocument, request: ModelDriftRequest, progress: ReportProgress): Promise<CurrentSample> {
  if (request.current.kind === 'dataset') {
    const { sha256 } = request.current;
    const path = await artifacts.verifiedPath(artifactUri(sha256)).catch(() => {
      throw new DataError(`dataset ${sha256} is not in the artifact store`);
    });
    return fromDataFile(path, document, sha256, progress);
  }
  const { windowMs, maxRows, now } = request.current;
  const movedAt = await aliasMovedAt(pool, request.model, request.alias);
  const from = new Date(Math.max(now.getTime() - windowMs, movedAt?.getTime() ?? 0));
  return fromPredictionLog(pool, document, { model: request.model, from, to: now, maxRows });
}

async function aliasMovedAt(pool: Pool, model: string, alias: string): Promise<Date | undefined> {
  const { rows } = await pool.query<{ moved_at: Date | null }>('SELECT max(moved_at) AS moved_at FROM model_alias_history WHERE model = $1 AND alias = $2', [model, alias]);
  return rows[0]?.moved_at ?? undefined;
}

function predictionSample(document: ModelDocument, values: (string | number)[]): ColumnSample {
  return document.task === 'classification' ? { kind: 'categorical', values } : { kind: 'numeric', values: Float64Array.from(values, Number) };
}

function accuracyFromLabels(document: ModelDocument, labelled: CurrentSample['labelled'], referenceAccuracy: unknown, allowedDrop: number | null): ModelDriftReport['accuracy'] {
  if (document.task !== 'classification' || labelled.length < MIN_LABELS) return null;
  const current = labelled.filter((r) => String(r.prediction) === String(r.label)).length / labelled.length;
  const reference = typeof referenceAccuracy === 'number' ? referenceAccuracy : null;
  const dropped = reference !== null && allowedDrop !== null && reference - current >= allowedDrop;
  return { reference, current, labelled: labelled.length, dropped };
}

async function store(pool: Pool, report: Omit<ModelDriftReport, 'id' | 'createdAt'>): Promise<ModelDriftReport> {
  const { rows } = await pool.query<{ id: string; created_at: Date }>(
    `INSERT INTO drift_reports (model, version, alias, reference_dataset, reference_rows, current_rows, window_start, window_end, drifted, report)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id, created_at`,
    [report.model, report.version, report.alias, report.reference.dataset, report.reference.rows, report.current.rows, report.window?.from ?? null, report.window?.to ?? null, report.drifted, JSON.stringify(report)],
  );
  return { ...report, id: Number(rows[0]?.id), createdAt: (rows[0]?.created_at as Date).toISOString() };
}

/** The newest reports of a model, newest first, with the retrain each one started (if any). */
export async function latestDriftReports(pool: Pool, model: string, limit: number): Promise<(ModelDriftReport & { retrain: { workflowId: string; startedAt: string } | null })[]> {
  const { rows } = await pool.query<{ id: string; report: Omit<ModelDriftReport, 'id' | 'createdAt'>; created_at: Date; workflow_id: string | null; started_at: Date | null }>(
    `SELECT d.id, d.report, d.created_at, r.workflow_id, r.started_at FROM drift_reports d
       LEFT JOIN drift_retrains r ON r.report_id = d.id
      WHERE d.model = $1 ORDER BY d.id DESC LIMIT $2`,
    [model, limit],
  );
  return rows.map((r) => ({
    ...r.report,
    id: Number(r.id),
    createdAt: r.created_at.toISOString(),
    retrain: r.workflow_id ? { workflowId: r.workflow_id, startedAt: (r.started_at as Date).toISOString() } : null,
  }));
}
