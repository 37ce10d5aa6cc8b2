import { ConfigError } from '../errors';
import { BUILTIN_STAGES, RESERVED_ACTIVITIES } from './builtinStages';
import { namedTargets, type NotificationTargetInput } from '../notifications/targets';
import { activityNameOf, checkComputedConfigs, queueOf, validatePipeline } from './compile';
import type { Pipeline } from './definePipeline';
import { isRemoteStep, type AnyStepFunction, type StepFunction } from './defineStep';
import { activitySteps } from './walkSteps';

export interface Registry {
  readonly pipelines: ReadonlyMap<string, Pipeline>;
  /** Every step declared with defineStep that a pipeline uses or the registry lists: workers register these. */
  readonly steps: ReadonlyMap<string, StepFunction>;
  /** Directories this repository's pipelines read their own data from (added to CAIRN_DATA_ROOTS on workers). */
  readonly dataRoots: readonly string[];
  /** Notification targets the definitions declare (added to CAIRN_NOTIFY's): where run failures, waiting steps, drift and promotions are announced. */
  readonly notifications: readonly NotificationTargetInput[];
}

/**
 * The one place that knows every pipeline (Dagster's Definitions, in spirit): building it
 * validates each pipeline, their ids, and that every activity a step names exists.
 */
export function defineRegistry(input: { pipelines: Pipeline[]; steps?: AnyStepFunction[]; dataRoots?: string[]; notifications?: NotificationTargetInput[] }): Registry {
  const pipelines = new Map<string, Pipeline>();
  const steps = new Map<string, StepFunction>();
  const addStep = (fn: AnyStepFunction, where: string) => {
    if ((RESERVED_ACTIVITIES as readonly string[]).includes(fn.name) || (BUILTIN_STAGES as readonly string[]).includes(fn.name)) {
      throw new ConfigError(`step name '${fn.name}' is taken by Cairn's own ${(BUILTIN_STAGES as readonly string[]).includes(fn.name) ? 'stage' : 'bookkeeping activity'} (${where})`);
    }
    const known = steps.get(fn.name);
    if (known && known !== (fn as unknown)) throw new ConfigError(`two different steps are named '${fn.name}' (${where})`);
    steps.set(fn.name, fn as unknown as StepFunction);
  };
  for (const fn of input.steps ?? []) addStep(fn, 'registry steps');

  for (const pipeline of input.pipelines) {
    validatePipeline(pipeline);
    checkComputedConfigs(pipeline);
    if (pipelines.has(pipeline.id)) throw new ConfigError(`two pipelines have the id '${pipeline.id}'`);
    pipelines.set(pipeline.id, pipeline);
    for (const { step } of activitySteps(pipeline.steps)) {
      if (typeof step.activity !== 'string' && step.activity.kind === 'cairn-step') addStep(step.activity, `pipeline '${pipeline.id}'`);
    }
  }
  const known = new Set<string>([...BUILTIN_STAGES, ...steps.keys()]);
  for (const pipeline of pipelines.values()) {
    for (const { path, step } of activitySteps(pipeline.steps)) {
      if (isRemoteStep(step.activity)) continue; // another worker's to run
      const name = activityNameOf(step.activity) as string;
      if (!known.has(name)) {
        throw new ConfigError(
          `pipeline '${pipeline.id}': step '${path}' uses activity '${name}', which is neither a built-in stage ` +
            `(${BUILTIN_STAGES.join(', ')}) nor a step declared with defineStep and listed in the registry`,
        );
      }
    }
  }
  queuesByWorker(pipelines.values());
  const notifications = input.notifications ?? [];
  namedTargets([{ where: 'registry notifications', targets: notifications }]); // names each bad or doubled target
  return { pipelines, steps, dataRoots: input.dataRoots ?? [], notifications };
}

/**
 * The step queues Cairn's own workers serve and those other workers (remoteStep: another service, a
 * Python worker) serve. A worker polls a whole queue and fails an activity it does not know, so a
 * queue is one or the other, and a remoteStep names the queue its worker polls: both are checked here.
 */
export function queuesByWorker(pipelines: Iterable<Pipeline>): { cairn: string[]; remote: string[] } {
  const cairn = new Map<string, string>();
  const remote = new Map<string, string>();
  for (const pipeline of pipelines) {
    for (const { path, step } of activitySteps(pipeline.steps)) {
      const where = `pipeline '${pipeline.id}' step '${path}'`;
      const isRemote = isRemoteStep(step.activity);
      const queue = queueOf(step);
      if (isRemote && !queue) {
        throw new ConfigError(`${where} is a remoteStep: give it the \`queue\` its own worker polls (Cairn's workers poll the pipelines queue and would fail its tasks)`);
      }
      if (!queue) continue;
      (isRemote ? remote : cairn).set(queue, where);
      const other = (isRemote ? cairn : remote).get(queue);
      if (other) {
        throw new ConfigError(`queue '${queue}' has a remoteStep and a step Cairn's workers run (${isRemote ? `${where} and ${other}` : `${other} and ${where}`}): a worker polls a whole queue, so give them different queues`);
      }
    }
  }
  return { cairn: [...cairn.keys()], remote: [...remote.keys()] };
}

/**
 * A registry whose contents can be replaced while it is in use (`cairn dev` reloading definitions):
 * whoever holds `registry` reads the current pipelines on each access, so a request or a run started
 * after `replace` sees the new ones, and one already started keeps what it compiled.
 */
export function liveRegistry(initial: Registry): { registry: Registry; current(): Registry; replace(next: Registry): void } {
  let current = initial;
  const registry: Registry = {
    get pipelines() {
      return current.pipelines;
    },
    get steps() {
      return current.steps;
    },
    get dataRoots() {
      return current.dataRoots;
    },
    get notifications() {
      return current.notifications;
    },
  };
  return { registry, current: () => current, replace: (next) => void (current = next) };
}
