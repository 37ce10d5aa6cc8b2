import { log, proxyActivities, sleep } from '@temporalio/workflow';
import type { CanaryActivities, CanaryLook } from '../activities/canaryActivities';
import { parseDuration } from '../lib/dsl/duration';
import { NON_RETRYABLE_ERROR_TYPES } from '../lib/errors';
import type { CanaryAnalysisInput, CanaryOutcome } from '../lib/runContract/canary';
import { announce } from './notify';

const { beginCanaryStage, judgeCanaryStage, endCanary } = proxyActivities<CanaryActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES },
});

/**
 * Judges a canary on a durable timer: each stage below 100% gives the candidate its share of the
 * promoted alias's traffic for `interval`, then compares the two over that time (judgeCanary). Worse:
 * rolled back at once. Short of samples: another interval, at most `maxWaits`, then rolled back for
 * want of evidence. Not worse: the next stage; after the last one, promoted. Every decision is kept
 * in canary_decisions, every move in the alias history.
 */
export async function canaryAnalysis(input: CanaryAnalysisInput): Promise<CanaryOutcome> {
  const stages = input.policy.steps.filter((weight) => weight < 1);
  const intervalMs = parseDuration(input.policy.interval) as number;
  let passed: CanaryLook | null = null;
  for (let stage = 0; stage < stages.length; stage++) {
    const weight = stages[stage] as number;
    const reason: string = passed ? passed.reason : `v${input.candidate} against ${input.promotes} v${input.baseline}, judged every ${input.policy.interval}`;
    const { since }: { since: string } = await beginCanaryStage({ input, stage, weight, reason, ...(passed ? { evidence: passed.evidence } : {}) });
    for (let look = 1; ; look++) {
      await sleep(intervalMs);
      const judged: CanaryLook = await judgeCanaryStage({ input, stage, weight, since, look });
      if (judged.verdict === 'worse') return end(input, stage, 'rollback', judged);
      if (judged.verdict === 'not-worse') {
        passed = judged;
        break;
      }
      if (look > input.policy.maxWaits) return end(input, stage, 'rollback', { ...judged, reason: `no verdict after ${look} intervals at ${weight}: ${judged.reason}` });
      log.info('canary stage waits for samples', { analysis: input.analysisId, stage, look });
    }
  }
  return end(input, stages.length - 1, 'promote', passed as CanaryLook);
}

async function end(input: CanaryAnalysisInput, stage: number, outcome: 'promote' | 'rollback', judged: CanaryLook): Promise<CanaryOutcome> {
  await endCanary({ input, stage, outcome, reason: judged.reason, evidence: judged.evidence });
  const promoted = outcome === 'promote';
  // People listening are told once (the event id is the analysis's); a notification that cannot go out never changes the outcome.
  await announce({
    id: `${input.analysisId}:${outcome}`,
    kind: promoted ? 'model.promoted' : 'model.rolled_back',
    at: new Date().toISOString(),
    runId: null,
    pipeline: null,
    summary: promoted
      ? `${input.model} v${input.candidate} is now ${input.promotes} (was v${input.baseline}), promoted by its canary analysis`
      : `${input.model} v${input.candidate}'s canary was rolled back by its analysis; ${input.promotes} stays v${input.baseline}`,
    commands: promoted ? [`cairn rollback ${input.model} --alias ${input.promotes}`, `cairn canary ${input.model}`] : [`cairn canary ${input.model}`],
    details: { model: input.model, alias: promoted ? input.promotes : 'canary', version: input.candidate, previous: input.baseline, analysis: input.analysisId, reason: judged.reason },
  }).catch((error: Error) => log.warn('canary outcome not announced', { error: error.message }));
  return { status: outcome === 'promote' ? 'promoted' : 'rolled-back', reason: judged.reason, stages: stage + 1 };
}
