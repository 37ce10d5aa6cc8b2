import { heartbeat } from '@temporalio/activity';
import type { StepServices } from '../lib/dsl/defineStep';
import { claimRetrain, type RetrainClaim } from '../lib/drift/claimRetrain';
import { checkModelDrift, type ModelDriftRequest } from '../lib/drift/modelDrift';
import { ConfigError } from '../lib/errors';

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
    async claimRetrain(request: { model: string; pipeline: string; reportId: number; cooldownMs: number }): Promise<RetrainClaim> {
      return claimRetrain(pool(), request);
    },
  };
}

export type DriftActivities = ReturnType<typeof driftActivities>;
