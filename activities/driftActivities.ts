import { heartbeat } from '@temporalio/activity';
import type { StepServices } from '../lib/dsl/defineStep';
import { claimRetrain, type RetrainClaim } from '../lib/drift/claimRetrain';
import { checkModelDrift, type ModelDriftRequest } from '../lib/drift/modelDrift';
import { ConfigError } from '../lib/errors';
import { countLabelled } from '../lib/store/predictionLogTable';
import { noteRetrainSkipped } from '../lib/store/driftReportsTable';

export interface DriftCheckResult {
  reportId: number | null;
  status: 'checked' | 'insufficient-data' | 'not-deployed';
  version: number | null;
  drifted: boolean;
  driftedFeatures: string[];
  currentRows: number;
}

/** One look at the prediction-log window ending `now` (the workflow's time, so a replay asks the same). */
export interface WindowCheck extends Omit<ModelDriftRequest, 'current'> {
  windowMs: number;
  maxRows: number;
  now: string;
}

export interface FeedbackCheck {
  enough: boolean;
  labelled: number;
  reason: string | null;
}

/** The activities of the watchDrift workflow (not steps: they have no pipeline of their own). */
export function driftActivities(services: StepServices) {
  const pool = () => {
    if (!services.store) throw new ConfigError('drift watching reads the prediction log: run the worker with DATABASE_URL');
    return services.store.pool;
  };
  return {
    async checkDrift(request: WindowCheck): Promise<DriftCheckResult> {
      heartbeat();
      const { windowMs, maxRows, now, ...rest } = request;
      const report = await checkModelDrift(pool(), services.artifacts, { ...rest, current: { kind: 'prediction-log', windowMs, maxRows, now: new Date(now) } });
      if (!report) return { reportId: null, status: 'not-deployed', version: null, drifted: false, driftedFeatures: [], currentRows: 0 };
      return { reportId: report.id, status: report.status, version: report.version, drifted: report.drifted, driftedFeatures: report.driftedFeatures, currentRows: report.current.rows };
    },
    /**
     * Before a production-feedback retrain: are there enough labelled predictions in its window? When
     * there are not, the report says so (and no retrain starts).
     */
    async checkFeedback(request: { model: string; reportId: number; windowMs: number; minLabelled: number; now: string }): Promise<FeedbackCheck> {
      const to = new Date(request.now);
      const labelled = await countLabelled(pool(), { model: request.model, from: new Date(to.getTime() - request.windowMs), to });
      if (labelled >= request.minLabelled) return { enough: true, labelled, reason: null };
      const reason = `no retrain: only ${labelled} labelled predictions in the feedback window (${Math.round(request.windowMs / 3_600_000)} h), a production-feedback retrain needs ${request.minLabelled}`;
      await noteRetrainSkipped(pool(), request.reportId, reason);
      return { enough: false, labelled, reason };
    },
    async claimRetrain(request: { model: string; pipeline: string; reportId: number; cooldownMs: number }): Promise<RetrainClaim> {
      return claimRetrain(pool(), request);
    },
  };
}

export type DriftActivities = ReturnType<typeof driftActivities>;
