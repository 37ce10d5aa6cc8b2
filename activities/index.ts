import type { AnyStepFunction, StepServices } from '../lib/dsl/defineStep';
import type { Registry } from '../lib/dsl/registry';
import type { StageName } from '../lib/stages';
import { deploy } from './deploy';
import { driftActivities } from './driftActivities';
import { canaryActivities } from './canaryActivities';
import { evaluate } from './evaluate';
import { ingest } from './ingest';
import { monitor } from './monitor';
import { register } from './register';
import { pickBest } from './pickBest';
import { noop } from './noop';
import { conditionActivities } from './conditionActivities';
import { sleep } from './sleep';
import { stepCacheActivities } from './stepCache';
import { mapActivities } from './mapActivities';
import { notificationActivities } from './notificationActivities';
import { checkSigningKey, namedTargets } from '../lib/notifications/targets';
import { toActivity, type StepActivity } from './stepActivity';
import { train } from './train';
import { validate } from './validate';

/**
 * Each built-in stage's implementation, keyed by the stage list (lib/stages STAGES): TypeScript refuses
 * a stage listed there without an implementation here, or one here that is not listed there.
 */
const STAGE_IMPLEMENTATIONS = { noop, sleep, ingest, validate, train, evaluate, 'pick-best': pickBest, register, deploy, monitor } satisfies Record<StageName, AnyStepFunction>;

/** The built-in stages' step functions, in the stage list's order. */
export const builtinSteps: AnyStepFunction[] = Object.values(STAGE_IMPLEMENTATIONS);

/** Every activity a worker registers: the built-in stages, the registry's own steps, the drift watcher's, the step cache's, maps', stored-output conditions' and notifications'. */
export function createActivities(registry: Pick<Registry, 'steps'> & Partial<Pick<Registry, 'notifications'>>, services: StepServices): Record<string, StepActivity> {
  const activities: Record<string, StepActivity> = {};
  const steps = new Map<string, AnyStepFunction>();
  for (const step of [...builtinSteps, ...registry.steps.values()]) {
    activities[step.name] = toActivity(step, services);
    steps.set(step.name, step);
  }
  // Temporal calls every activity with JSON arguments; the watcher's and the step cache's take their own input types.
  const targets = namedTargets([
    { where: 'CAIRN_NOTIFY', targets: services.notifications?.targets ?? [] },
    { where: 'registry notifications', targets: [...(registry.notifications ?? [])] },
  ]);
  checkSigningKey(targets, services.notifications?.secret);
  const bookkeeping = { ...driftActivities(services), ...canaryActivities(services), ...stepCacheActivities(steps, services), ...mapActivities(services), ...conditionActivities(services), ...notificationActivities(targets, services.notifications?.secret, services) };
  return { ...(bookkeeping as unknown as Record<string, StepActivity>), ...activities };
}
