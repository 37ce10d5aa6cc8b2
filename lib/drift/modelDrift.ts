import type { Pool } from 'pg';
import type { ArtifactStore } from '../artifacts/artifactStore';
import { artifactUri } from '../artifacts/artifactRef';
import { ModelDocumentSchema, predict, type ModelDocument } from '../ml/model';
import { resolveAlias } from '../registry/registry';
import { compareSamples, DriftThresholdsSchema, featureDrift, type ColumnSample, type DriftThresholdsInput, type FeatureDrift } from './driftReport';
import { readColumns } from './readColumns';

export interface ModelDriftRequest {
  model: string;
  alias: string;
  /** Only predictions served in this window before `now` count (and only since the alias last moved). */
  windowMs: number;
  /** Fewer logged predictions than this: no verdict yet. */
  minRows: number;
  maxRows: number;
  thresholds: DriftThresholdsInput;
  now: Date;
}

export interface ModelDriftReport {
  id: number;
  status: 'checked' | 'insufficient-data';
  model: string;
  version: number;
  alias: string;
  window: { from: string; to: string };
  reference: { dataset: string; rows: number };
  current: { rows: number; labelled: number };
  features: FeatureDrift[];
  missingColumns: string[];
  prediction: FeatureDrift | null;
  accuracy: { reference: number | null; current: number; labelled: number; dropped: boolean } | null;
  driftedFeatures: string[];
  drifted: boolean;
  thresholds: ReturnType<typeof DriftThresholdsSchema.parse>;
  createdAt: string;
}

/** Predictions on at most this many reference rows are the baseline for prediction drift. */
const REFERENCE_PREDICTION_ROWS = 20_000;
/** Accuracy from feedback is judged from this many labels on. */
const MIN_LABELS = 20;

/**
 * Compares the inputs a served model saw recently (undefined while the alias points nowhere) (the prediction log) with the data it was trained
 * on (its version's dataset in the artifact store), plus its predictions and, where feedback exists,
 * its accuracy; stores the report in drift_reports and returns it.
 */
export async function checkModelDrift(pool: Pool, artifacts: ArtifactStore, request: ModelDriftRequest): Promise<ModelDriftReport | undefined> {
  const thresholds = DriftThresholdsSchema.parse(request.thresholds);
  const version = await resolveAlias(pool, request.model, request.alias);
  // Watching a model before its first deploy is normal (the schedule exists from the start): nothing to compare yet.
  if (!version) return undefined;
  const document = ModelDocumentSchema.parse(JSON.parse((await artifacts.read(artifactUri(version.modelSha256))).toString()));
  const movedAt = await aliasMovedAt(pool, request.model, request.alias);
  const from = new Date(Math.max(request.now.getTime() - request.windowMs, movedAt?.getTime() ?? 0));
  const { rows: logged } = await pool.query<{ features: Record<string, unknown>; prediction: string | number; label: string | number | null }>(
    `SELECT l.features, l.prediction, f.label FROM prediction_log l
       LEFT JOIN prediction_feedback f ON f.model = l.model AND f.request_id = l.request_id AND f.item = l.item
      WHERE l.model = $1 AND l.predicted_at >= $2 AND l.predicted_at <= $3
      ORDER BY l.predicted_at DESC LIMIT $4`,
    [request.model, from, request.now, request.maxRows],
  );
  const reference = await readColumns(await artifacts.verifiedPath(artifactUri(version.lineage.datasetSha256)), 'parquet', document.features);
  const base = {
    model: request.model,
    version: version.version,
    alias: request.alias,
    window: { from: from.toISOString(), to: request.now.toISOString() },
    reference: { dataset: version.lineage.datasetSha256, rows: reference.rows },
    current: { rows: logged.length, labelled: logged.filter((r) => r.label !== null).length },
    thresholds,
  };
  if (logged.length < request.minRows) {
    return store(pool, { ...base, status: 'insufficient-data', features: [], missingColumns: [], prediction: null, accuracy: null, driftedFeatures: [], drifted: false });
  }
  const current = new Map<string, ColumnSample>(
    document.features.map(({ name, kind }) => [
      name,
      kind === 'numeric' ? { kind, values: Float64Array.from(logged, (r) => (typeof r.features[name] === 'number' ? (r.features[name] as number) : NaN)) } : { kind, values: logged.map((r) => r.features[name]) },
    ]),
  );
  const comparison = compareSamples(reference.columns, current, thresholds);
  const prediction = featureDrift('prediction', referencePredictions(document, reference.columns, reference.rows), predictionSample(document, logged.map((r) => r.prediction)), thresholds);
  const accuracy = accuracyFromFeedback(document, logged, version.metrics.accuracy, thresholds.accuracyDrop);
  const driftedFeatures = comparison.driftedFeatures;
  const drifted = driftedFeatures.length >= thresholds.minDriftedFeatures || prediction.drifted || (accuracy?.dropped ?? false);
  return store(pool, { ...base, status: 'checked', features: comparison.features, missingColumns: comparison.missingColumns, prediction, accuracy, driftedFeatures, drifted });
}

async function aliasMovedAt(pool: Pool, model: string, alias: string): Promise<Date | undefined> {
  const { rows } = await pool.query<{ moved_at: Date | null }>('SELECT max(moved_at) AS moved_at FROM model_alias_history WHERE model = $1 AND alias = $2', [model, alias]);
  return rows[0]?.moved_at ?? undefined;
}

/** The model's predictions on (an evenly spaced sample of) its reference rows. */
function referencePredictions(document: ModelDocument, columns: Map<string, ColumnSample>, rowCount: number): ColumnSample {
  const step = Math.max(1, Math.ceil(rowCount / REFERENCE_PREDICTION_ROWS));
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < rowCount; i += step) {
    const row: Record<string, unknown> = {};
    for (const [name, column] of columns) row[name] = (column.values as ArrayLike<unknown>)[i];
    rows.push(row);
  }
  return predictionSample(document, predict(document, rows).map((r) => (r.label ?? r.value) as string | number));
}

function predictionSample(document: ModelDocument, values: (string | number)[]): ColumnSample {
  return document.task === 'classification' ? { kind: 'categorical', values } : { kind: 'numeric', values: Float64Array.from(values, Number) };
}

function accuracyFromFeedback(
  document: ModelDocument,
  logged: { prediction: string | number; label: string | number | null }[],
  referenceAccuracy: unknown,
  allowedDrop: number | null,
): ModelDriftReport['accuracy'] {
  if (document.task !== 'classification') return null;
  const labelled = logged.filter((r) => r.label !== null);
  if (labelled.length < MIN_LABELS) return null;
  const current = labelled.filter((r) => String(r.prediction) === String(r.label)).length / labelled.length;
  const reference = typeof referenceAccuracy === 'number' ? referenceAccuracy : null;
  const dropped = reference !== null && allowedDrop !== null && reference - current >= allowedDrop;
  return { reference, current, labelled: labelled.length, dropped };
}

async function store(pool: Pool, report: Omit<ModelDriftReport, 'id' | 'createdAt'>): Promise<ModelDriftReport> {
  const { rows } = await pool.query<{ id: string; created_at: Date }>(
    `INSERT INTO drift_reports (model, version, alias, reference_dataset, reference_rows, current_rows, window_start, window_end, drifted, report)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id, created_at`,
    [report.model, report.version, report.alias, report.reference.dataset, report.reference.rows, report.current.rows, report.window.from, report.window.to, report.drifted, JSON.stringify(report)],
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
