import type { StageContract } from './contract';
import { deployStage } from './deploy';
import { evaluateStage } from './evaluate';
import { ingestStage } from './ingest';
import { monitorStage } from './monitor';
import { noopStage } from './noop';
import { registerStage } from './register';
import { pickBestStage } from './pickBest';
import { sleepStage } from './sleep';
import { trainStage } from './train';
import { validateStage } from './validate';

/**
 * Every built-in stage's contract, by activity name: the one list. The DSL types configs from it,
 * compile() checks configs against it, the API describes stages from it, and activities/index.ts
 * keys each stage's implementation by it (TypeScript refuses a stage left without one). A new stage:
 * a contract module here, listed below, and its implementation in activities/.
 */
export const STAGES = {
  noop: noopStage,
  sleep: sleepStage,
  ingest: ingestStage,
  validate: validateStage,
  train: trainStage,
  evaluate: evaluateStage,
  'pick-best': pickBestStage,
  register: registerStage,
  deploy: deployStage,
  monitor: monitorStage,
} as const;

export type StageName = keyof typeof STAGES;

export function isStageName(name: string): name is StageName {
  return Object.hasOwn(STAGES, name);
}

/** The contract of the built-in stage a step's activity names; undefined for a defineStep or a remoteStep. */
export function stageOf(activity: unknown): StageContract | undefined {
  return typeof activity === 'string' && isStageName(activity) ? STAGES[activity] : undefined;
}
