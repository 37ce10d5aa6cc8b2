import { runWorkflowId } from '../runIds';
import { withTransaction } from '../store/withTransaction';
import type { Pool } from 'pg';

export interface RetrainClaim {
  /** The retrain run's workflow id: this report's own, or the one an earlier report started within the cooldown. */
  workflowId: string;
  /** True when this report owns the retrain (and so starts it); false when it was de-duplicated. */
  claimed: boolean;
  reportId: number;
}

/**
 * Decides, once per model per cooldown, which drift report starts a retrain. Serialized per model by
 * a transaction-scoped advisory lock, so two watchers seeing the same drift at the same moment get
 * one retrain; asking again for the same report (an activity retried) gives the same answer.
 */
export async function claimRetrain(pool: Pool, request: { model: string; pipeline: string; reportId: number; cooldownMs: number }): Promise<RetrainClaim> {
  return withTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('cairn-retrain:' || $1))", [request.model]);
    const { rows } = await client.query<{ workflow_id: string; report_id: string }>(
      `SELECT workflow_id, report_id FROM drift_retrains
        WHERE model = $1 AND (report_id = $2 OR started_at > now() - make_interval(secs => $3))
        ORDER BY (report_id = $2) DESC, started_at DESC LIMIT 1`,
      [request.model, request.reportId, request.cooldownMs / 1000],
    );
    const existing = rows[0];
    if (existing) {
      const reportId = Number(existing.report_id);
      return { workflowId: existing.workflow_id, claimed: reportId === request.reportId, reportId };
    }
    const workflowId = runWorkflowId(request.pipeline, 'drift', `${request.model}-report-${request.reportId}`);
    await client.query('INSERT INTO drift_retrains (model, pipeline, workflow_id, report_id) VALUES ($1, $2, $3, $4)', [request.model, request.pipeline, workflowId, request.reportId]);
    return { workflowId, claimed: true, reportId: request.reportId };
  });
}
