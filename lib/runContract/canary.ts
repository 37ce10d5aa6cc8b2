import type { CanaryPolicy } from '../canary/canaryPolicy';

/** What a deploy step with a `canary` policy hands to the analysis it starts (workflows/canaryAnalysis.ts). */
export interface CanaryAnalysisInput {
  /** Also the workflow id: `canary:<model>:v<candidate>:<run id>`. */
  analysisId: string;
  model: string;
  candidate: number;
  /** The version the promoted alias pointed at when the canary started. */
  baseline: number;
  /** The alias the candidate is promoted to (production). */
  promotes: string;
  policy: CanaryPolicy;
  /** Who the alias moves are recorded as (the run that deployed, and who started it). */
  actor: string;
}

export interface CanaryOutcome {
  status: 'promoted' | 'rolled-back';
  reason: string;
  stages: number;
}

export function canaryAnalysisId(model: string, candidate: number, runId: string): string {
  return `canary:${model}:v${candidate}:${runId}`;
}
