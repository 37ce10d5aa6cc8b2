import type { Pool } from 'pg';
import { z } from 'zod';

export const CANARY_DECISIONS = ['start', 'wait', 'next-stage', 'promote', 'rollback'] as const;

export const CanaryDecisionSchema = z.object({
  stage: z.number().int(),
  weight: z.number(),
  decision: z.enum(CANARY_DECISIONS),
  reason: z.string(),
  evidence: z.unknown(),
  decidedAt: z.string(),
});
export type CanaryDecision = z.infer<typeof CanaryDecisionSchema>;

export const CanaryAnalysisSchema = z.object({
  id: z.string(),
  model: z.string(),
  candidate: z.number().int(),
  baseline: z.number().int(),
  policy: z.unknown(),
  status: z.enum(['running', 'promoted', 'rolled-back']),
  reason: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  decisions: z.array(CanaryDecisionSchema),
});
export type CanaryAnalysis = z.infer<typeof CanaryAnalysisSchema>;

/** The canary_analyses and canary_decisions tables: the only code that runs SQL on them. Starting twice is starting once. */
export async function recordAnalysisStart(pool: Pool, analysis: { id: string; model: string; candidate: number; baseline: number; policy: unknown }): Promise<void> {
  await pool.query(
    `INSERT INTO canary_analyses (id, model, candidate, baseline, policy, status) VALUES ($1, $2, $3, $4, $5, 'running') ON CONFLICT (id) DO NOTHING`,
    [analysis.id, analysis.model, analysis.candidate, analysis.baseline, JSON.stringify(analysis.policy)],
  );
}

/**
 * Records a decision once per key (a retried activity finds it there) and returns when it was taken,
 * by the database's clock: a stage's samples are the predictions logged since its start decision.
 */
export async function recordDecision(
  pool: Pool,
  decision: { analysisId: string; key: string; stage: number; weight: number; decision: CanaryDecision['decision']; reason: string; evidence?: unknown },
): Promise<Date> {
  const { rows } = await pool.query<{ decided_at: Date }>(
    `WITH inserted AS (
       INSERT INTO canary_decisions (analysis_id, key, stage, weight, decision, reason, evidence) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (analysis_id, key) DO NOTHING RETURNING decided_at)
     SELECT decided_at FROM inserted UNION ALL SELECT decided_at FROM canary_decisions WHERE analysis_id = $1 AND key = $2`,
    [decision.analysisId, decision.key, decision.stage, decision.weight, decision.decision, decision.reason, decision.evidence === undefined ? null : JSON.stringify(decision.evidence)],
  );
  return rows[0]?.decided_at as Date;
}

export async function recordAnalysisEnd(pool: Pool, id: string, status: 'promoted' | 'rolled-back', reason: string): Promise<void> {
  await pool.query(`UPDATE canary_analyses SET status = $2, reason = $3, ended_at = now() WHERE id = $1 AND status = 'running'`, [id, status, reason]);
}

/** A model's analyses, newest first, each with its decisions in order. */
export async function canaryAnalyses(pool: Pool, model: string, limit: number): Promise<CanaryAnalysis[]> {
  const { rows } = await pool.query<{ id: string; model: string; candidate: number; baseline: number; policy: unknown; status: CanaryAnalysis['status']; reason: string | null; started_at: Date; ended_at: Date | null }>(
    'SELECT id, model, candidate, baseline, policy, status, reason, started_at, ended_at FROM canary_analyses WHERE model = $1 ORDER BY started_at DESC, id DESC LIMIT $2',
    [model, limit],
  );
  const decisions = await pool.query<{ analysis_id: string; stage: number; weight: number; decision: CanaryDecision['decision']; reason: string; evidence: unknown; decided_at: Date }>(
    'SELECT analysis_id, stage, weight, decision, reason, evidence, decided_at FROM canary_decisions WHERE analysis_id = ANY($1) ORDER BY id',
    [rows.map((r) => r.id)],
  );
  return rows.map((r) => ({
    id: r.id,
    model: r.model,
    candidate: r.candidate,
    baseline: r.baseline,
    policy: r.policy,
    status: r.status,
    reason: r.reason,
    startedAt: r.started_at.toISOString(),
    endedAt: r.ended_at?.toISOString() ?? null,
    decisions: decisions.rows
      .filter((d) => d.analysis_id === r.id)
      .map((d) => ({ stage: d.stage, weight: d.weight, decision: d.decision, reason: d.reason, evidence: d.evidence, decidedAt: d.decided_at.toISOString() })),
  }));
}
