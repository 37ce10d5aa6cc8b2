import type { AnyStepFunction } from '../lib/dsl/defineStep';
import type { Registry } from '../lib/dsl/registry';
import { noop } from './noop';
import { sleep } from './sleep';
import { toActivity, type StepActivity } from './stepActivity';

/** The built-in stages, by activity name (lib/dsl/builtinStages.ts lists the same names). */
export const builtinSteps: AnyStepFunction[] = [noop, sleep];

/** Every activity a worker registers: the built-in stages and the registry's own steps. */
export function createActivities(registry: Pick<Registry, 'steps'>): Record<string, StepActivity> {
  const activities: Record<string, StepActivity> = {};
  for (const step of [...builtinSteps, ...registry.steps.values()]) activities[step.name] = toActivity(step);
  return activities;
}
