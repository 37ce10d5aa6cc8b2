import { namedSteps, type NamedStepDefinition } from './definePipeline';
import type { StepSpec } from './spec';

/** A step that runs an activity: every step but a mapped sub-pipeline (whose own steps do). */
export type ActivityStepDefinition<Params = unknown> = NamedStepDefinition<Params> & { activity: NonNullable<NamedStepDefinition<Params>['activity']> };

/** A step declared as a mapped sub-pipeline (`map` with `steps`), not with an activity. */
export function isSubPipeline<Params>(step: NamedStepDefinition<Params>): step is NamedStepDefinition<Params> & { steps: NonNullable<unknown> } {
  return 'steps' in step && step.steps !== undefined;
}

/**
 * Every step that runs an activity, those inside mapped sub-pipelines included (at any depth), with
 * its path (`per-region.fit`): what the registry, the queues and the workers must know about.
 */
export function activitySteps<Params>(steps: readonly NamedStepDefinition<Params>[], prefix = ''): { path: string; step: ActivityStepDefinition<Params> }[] {
  return steps.flatMap((step) => {
    const path = `${prefix}${step.name}`;
    if (isSubPipeline(step)) return activitySteps(namedSteps((step as { steps: Parameters<typeof namedSteps<Params>>[0] }).steps), `${path}.`);
    return [{ path, step: step as ActivityStepDefinition<Params> }];
  });
}

/** Every compiled step with its path, those of mapped sub-pipelines included (a sub-pipeline's own entry too). */
export function everyStepSpec(steps: readonly StepSpec[], prefix = ''): { path: string; step: StepSpec }[] {
  return steps.flatMap((step) => {
    const path = `${prefix}${step.name}`;
    return [{ path, step }, ...everyStepSpec(step.map?.steps ?? [], `${path}.`)];
  });
}
