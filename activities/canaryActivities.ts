import { heartbeat } from '@temporalio/activity';
import type { Pool } from 'pg';
import { artifactUri } from '../lib/artifacts/artifactRef';
import { judgeCanary, type ArmSample, type MetricEvidence } from '../lib/canary/judgeCanary';
import type { StepServices } from '../lib/dsl/defineStep';
import { ConfigError } from '../lib/errors';
import { describeModel } from '../lib/ml/servableModel';
import { moveAlias } from '../lib/registry/aliases';
import { getVersion } from '../lib/registry/registry';
import type { CanaryAnalysisInput } from '../lib/runContract/canary';
import { CANARY_ALIAS } from '../lib/serving/trafficSplit';
import { recordAnalysisEnd, recordAnalysisStart, recordDecision } from '../lib/store/canaryTables';
import { failedSince } from '../lib/store/predictionErrorsTable';
import { servedSince } from '../lib/store/predictionLogTable';
import { percentText } from '../lib/numberText';

/** At most this many newest predictions a side are read per look. */
const MAX_ROWS_PER_ARM = 200_000;

export interface CanaryLook {
  verdict: 'worse' | 'not-worse' | 'insufficient';
  reason: string;
  evidence: MetricEvidence[];
}

/** The activities of the canaryAnalysis workflow (not steps). Each records its decision once per key. */
export function canaryActivities(services: StepServices) {
  const pool = () => {
    if (!services.store) throw new ConfigError('a canary analysis reads the prediction log and moves aliases: run the worker with DATABASE_URL');
    return services.store.pool;
  };
  return {
    /** Gives the candidate its stage's share of traffic and records the stage's start (its samples count from then). */
    async beginCanaryStage(request: { input: CanaryAnalysisInput; stage: number; weight: number; reason: string; evidence?: MetricEvidence[] }): Promise<{ since: string }> {
      const { input, stage, weight } = request;
      if (stage === 0) await recordAnalysisStart(pool(), { id: input.analysisId, model: input.model, candidate: input.candidate, baseline: input.baseline, policy: input.policy });
      await moveAlias(pool(), { model: input.model, alias: CANARY_ALIAS, version: input.candidate, weight, actor: analysisActor(input), reason: `stage ${stage + 1} at ${percentText(weight)}: ${request.reason}` });
      const since = await recordDecision(pool(), { analysisId: input.analysisId, key: `stage-${stage}`, stage, weight, decision: stage === 0 ? 'start' : 'next-stage', reason: request.reason, evidence: request.evidence });
      return { since: since.toISOString() };
    },

    /** Compares the stage's traffic so far; a look without enough samples is recorded as a wait. */
    async judgeCanaryStage(request: { input: CanaryAnalysisInput; stage: number; weight: number; since: string; look: number }): Promise<CanaryLook> {
      heartbeat();
      const { input, stage, weight } = request;
      const since = new Date(request.since);
      const version = await getVersion(pool(), input.model, input.candidate);
      if (!version) throw new ConfigError(`model '${input.model}' has no version ${input.candidate}`);
      const { task } = await describeModel(services.artifacts, artifactUri(version.modelSha256));
      const [candidate, baseline] = await Promise.all([arm(pool(), input.model, input.candidate, CANARY_ALIAS, since), arm(pool(), input.model, input.baseline, input.promotes, since)]);
      const judged = judgeCanary(task, candidate, baseline, input.policy);
      // A wait is recorded here; the next stage, the promotion or the rollback by the step that acts on the verdict.
      if (judged.verdict === 'insufficient') {
        await recordDecision(pool(), { analysisId: input.analysisId, key: `stage-${stage}-look-${request.look}`, stage, weight, decision: 'wait', reason: judged.reason, evidence: judged.evidence });
      }
      return { verdict: judged.verdict, reason: judged.reason, evidence: judged.evidence };
    },

    /** Promotes the candidate (the promoted alias moves to it, the canary takes no more traffic) or rolls it back (the canary's weight goes to 0), with the reason in the alias history. */
    async endCanary(request: { input: CanaryAnalysisInput; stage: number; outcome: 'promote' | 'rollback'; reason: string; evidence?: MetricEvidence[] }): Promise<void> {
      const { input, stage, outcome, reason } = request;
      const actor = analysisActor(input);
      if (outcome === 'promote') {
        await moveAlias(pool(), { model: input.model, alias: input.promotes, version: input.candidate, actor, reason: `canary analysis passed every stage: ${reason}` });
        await moveAlias(pool(), { model: input.model, alias: CANARY_ALIAS, version: input.candidate, weight: 0, actor, reason: `promoted to ${input.promotes}` });
      } else {
        await moveAlias(pool(), { model: input.model, alias: CANARY_ALIAS, version: input.candidate, weight: 0, actor, reason: `rolled back by the canary analysis: ${reason}` });
      }
      // The weight recorded with a decision is the canary's share after it: all of it once promoted, none once rolled back.
      await recordDecision(pool(), { analysisId: input.analysisId, key: 'end', stage, weight: outcome === 'promote' ? 1 : 0, decision: outcome, reason, evidence: request.evidence });
      await recordAnalysisEnd(pool(), input.analysisId, outcome === 'promote' ? 'promoted' : 'rolled-back', reason);
    },
  };
}

export type CanaryActivities = ReturnType<typeof canaryActivities>;

const analysisActor = (input: CanaryAnalysisInput) => `canary analysis ${input.analysisId} (${input.actor})`;

async function arm(pool: Pool, model: string, version: number, alias: string, since: Date): Promise<ArmSample> {
  const [served, errors] = await Promise.all([servedSince(pool, { model, version, alias, since, limit: MAX_ROWS_PER_ARM }), failedSince(pool, { model, version, alias, since })]);
  return { ...served, errors };
}
