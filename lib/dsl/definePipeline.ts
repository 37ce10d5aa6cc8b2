import type { z } from 'zod';
import type { AnyStepFunction, RemoteStep } from './defineStep';
import type { JsonObject } from './spec';
import type { FailureOptions, StepOptions } from './stepOptions';
import { withRetrainDefault, type Trigger } from './triggers';
import type { StageName, STAGES } from '../stages';

export type ParamsSchema = z.ZodObject;

/** A step's config: the object itself, or a function of the run's validated params that returns it. */
export type ConfigOrFunction<Config, Params> = Config | ((params: Params) => Config);

type StepBase<StepName extends string> = StepOptions & {
  /** Upstream steps: this step starts when all of them have finished. */
  after?: readonly StepName[];
};

/**
 * A built-in stage, by name: its config is typed by the stage's contract (lib/stages), so a misspelled
 * key or a wrong type is a TypeScript error, and compile() checks it again when definitions load.
 */
export type StageStepDefinition<StepName extends string, Params> = {
  [Stage in StageName]: StepBase<StepName> & { activity: Stage; config?: ConfigOrFunction<UpstreamByName<z.input<(typeof STAGES)[Stage]['config']>, StepName>, Params> };
}[StageName];

/**
 * A stage config's `from` (the upstream step it reads) names one of the pipeline's own steps: a
 * misspelled step is a TypeScript error, and compile() checks that it is upstream when definitions load.
 */
type UpstreamByName<Config, StepName extends string> = 'from' extends keyof Config ? Omit<Config, 'from'> & { from?: StepName } : Config;

/** A step declared with defineStep (its own schema checks its config when definitions load), or a remoteStep. */
export type CustomStepDefinition<StepName extends string, Params> = StepBase<StepName> & {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- config types differ per step; each is checked by its own schema
  activity: AnyStepFunction | RemoteStep<any>;
  config?: ConfigOrFunction<JsonObject, Params>;
};

/**
 * A mapped sub-pipeline: its own `steps` run once per item of `map.over`, each item's result being
 * the output of its `result` step. Its steps see the item as `input.item` and this step's upstream
 * outputs beside their own; a step inside may be mapped in turn (a nested map).
 */
export type SubPipelineStepDefinition<StepName extends string, Params> = Omit<StepBase<StepName>, 'map'> & {
  map: NonNullable<StepOptions['map']>;
  steps: Record<string, StepDefinition<string, Params>>;
  /** The step whose output is each item's result (by default the one step no other step runs after); with several, an object of their outputs by name. */
  result?: string | readonly string[];
  activity?: undefined;
  config?: undefined;
};

/** One step of a pipeline; `after` is checked against the pipeline's own step names. */
export type StepDefinition<StepName extends string, Params> =
  | StageStepDefinition<StepName, Params>
  | CustomStepDefinition<StepName, Params>
  | SubPipelineStepDefinition<StepName, Params>;

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
    steps: namedSteps(definition.steps as Record<string, StepDefinition<string, z.output<P>>> | readonly NamedStepDefinition<z.output<P>>[]),
    onFailure: definition.onFailure ?? {},
    triggers: (definition.triggers ?? []).map((trigger) => withRetrainDefault(trigger, Object.keys(definition.params.shape))),
  };
}

/** Steps as a list of named steps, whether they were declared by name (a record) or as a list. */
export function namedSteps<Params>(steps: Record<string, StepDefinition<string, Params>> | readonly NamedStepDefinition<Params>[]): readonly NamedStepDefinition<Params>[] {
  return Array.isArray(steps) ? steps : Object.entries(steps as Record<string, StepDefinition<string, Params>>).map(([name, step]) => ({ ...step, name }));
}
