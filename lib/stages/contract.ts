import type { z } from 'zod';

/**
 * What a built-in stage promises, with no code that runs it: its config (checked when definitions
 * load and again by the worker) and its output (what downstream steps and the API read). The DSL,
 * the compiler, the API's pipeline description, the README's stage reference and the activity that
 * implements the stage all take these from here.
 */
export interface StageContract<Config extends z.ZodType = z.ZodType, Output extends z.ZodType = z.ZodType> {
  readonly name: string;
  /** One sentence for the README's stage reference and the API's pipeline description. */
  readonly summary: string;
  readonly config: Config;
  readonly output: Output;
  /** The stage records datasets, models or aliases in the metadata store: its worker needs DATABASE_URL (or `cairn dev`). */
  readonly needsStore: boolean;
  /**
   * A step of this stage may declare `cache: true`: its output depends only on its config, its
   * upstream outputs and (for a source) the data it reads, and running it again changes nothing
   * elsewhere. Stages that register, deploy, watch or wait are not.
   */
  readonly cacheable: boolean;
}

export function defineStageContract<Config extends z.ZodType, Output extends z.ZodType>(contract: StageContract<Config, Output>): StageContract<Config, Output> {
  return contract;
}
