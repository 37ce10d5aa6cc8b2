import type { Pool } from 'pg';
import type { ModelDriftReport } from '../drift/modelDrift';

type StoredReport = Omit<ModelDriftReport, 'id' | 'createdAt'>;

/** The drift_reports table: the only code that runs SQL on it. A report is kept whole as JSON, its key figures as columns. */
export async function insertDriftReport(pool: Pool, report: StoredReport): Promise<ModelDriftReport> {
  const { rows } = await pool.query<{ id: string; created_at: Date }>(
    `INSERT INTO drift_reports (model, version, alias, reference_dataset, reference_rows, current_rows, window_start, window_end, drifted, report)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id, created_at`,
    [report.model, report.version, report.alias, report.reference.dataset, report.reference.rows, report.current.rows, report.window?.from ?? null, report.window?.to ?? null, report.drifted, JSON.stringify(report)],
  );
  return { ...report, id: Number(rows[0]?.id), createdAt: (rows[0]?.created_at as Date).toISOString() };
}

/** The newest reports of a model, newest first, with the retrain each one started (if any). */
export async function latestDriftReports(pool: Pool, model: string, limit: number): Promise<(ModelDriftReport & { retrain: { workflowId: string; startedAt: string } | null })[]> {
  const { rows } = await pool.query<{ id: string; report: StoredReport; created_at: Date; workflow_id: string | null; started_at: Date | null }>(
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

/** The latest report with a verdict, of every model: what the drift gauges show. */
export async function latestCheckedReports(pool: Pool): Promise<StoredReport[]> {
  const { rows } = await pool.query<{ report: StoredReport }>(`SELECT DISTINCT ON (model) report FROM drift_reports WHERE report->>'status' = 'checked' ORDER BY model, id DESC`);
  return rows.map((r) => r.report);
}

/** A model version's reports, oldest first (its card's drift history). */
export async function versionDriftReports(pool: Pool, model: string, version: number, limit: number): Promise<ModelDriftReport[]> {
  const { rows } = await pool.query<{ id: string; report: StoredReport; created_at: Date }>(
    'SELECT id, report, created_at FROM (SELECT id, report, created_at FROM drift_reports WHERE model = $1 AND version = $2 ORDER BY id DESC LIMIT $3) newest ORDER BY id',
    [model, version, limit],
  );
  return rows.map((r) => ({ ...r.report, id: Number(r.id), createdAt: r.created_at.toISOString() }));
}

/** Records on a report why its drift started no retrain. */
export async function noteRetrainSkipped(pool: Pool, reportId: number, reason: string): Promise<void> {
  await pool.query(`UPDATE drift_reports SET report = report || jsonb_build_object('retrainSkipped', $2::text) WHERE id = $1`, [reportId, reason]);
}
