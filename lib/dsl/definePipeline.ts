import type { z } from 'zod';
import type { AnyStepFunction } from './defineStep';
import type { JsonObject } from './spec';
import type { FailureOptions, StepOptions } from './stepOptions';
import type { Trigger } from './triggers';

export type ParamsSchema = z.ZodObject;

/** One step of a pipeline; `after` is checked against the pipeline's own step names. */
export type StepDefinition<StepName extends string, Params> = StepOptions & {
  /** The activity that runs this step: a built-in stage's name or a step declared with defineStep. */
  activity: string | AnyStepFunction;
  /** Upstream steps: this step starts when all of them have finished. */
  after?: readonly StepName[];
  /** Step configuration; a function receives the run's validated params. */
  config?: JsonObject | ((params: Params) => JsonObject);
};

export type NamedStepDefinition<Params> = StepDefinition<string, Params> & { name: string };

export interface PipelineDefinition<P extends ParamsSchema, StepName extends string> {
  /** Lower-case id, used in workflow ids, URLs and the Temporal search attribute CairnPipeline. */
  id: string;
  description?: string;
  /** The params schema is the params type: the API and CLI validate against it. */
  params: P;
  /**
   * Steps by name, in reading order; edges are `after` lists, checked against these names.
   * Generated pipelines may pass an array of named steps instead (names checked by compile()).
   */
  steps: Record<StepName, StepDefinition<NoInfer<StepName>, z.output<P>>> | readonly NamedStepDefinition<z.output<P>>[];
  onFailure?: FailureOptions;
  /** cron(), every() and onEvent() triggers; manual runs need none. */
  triggers?: Trigger[];
}

export interface Pipeline<P extends ParamsSchema = ParamsSchema> {
  readonly kind: 'cairn-pipeline';
  readonly id: string;
  readonly description: string;
  readonly params: P;
  /** In declaration order; duplicates and unknown names are compile()'s to reject. */
  readonly steps: readonly NamedStepDefinition<z.output<P>>[];
  readonly onFailure: FailureOptions;
  readonly triggers: readonly Trigger[];
}

/** Declares a pipeline. Checks happen in compile() and when the registry loads. */
export function definePipeline<P extends ParamsSchema, StepName extends string>(
  definition: PipelineDefinition<P, StepName>,
): Pipeline<P> {
  return {
    kind: 'cairn-pipeline',
    id: definition.id,
    description: definition.description ?? '',
    params: definition.params,
    steps: Array.isArray(definition.steps)
      ? definition.steps
      : Object.entries(definition.steps as Record<string, StepDefinition<string, z.output<P>>>).map(([name, step]) => ({ ...step, name })),
    onFailure: definition.onFailure ?? {},
    triggers: definition.triggers ?? [],
  };
}
