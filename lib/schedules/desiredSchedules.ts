import { scheduleId } from '../runIds';
import { canonicalJson, sha256Hex } from '../canonicalJson';
import { compile } from '../dsl/compile';
import type { Registry } from '../dsl/registry';
import type { PipelineSpec, JsonObject } from '../dsl/spec';
import { isScheduleTrigger, scheduleName, type ScheduleTrigger } from '../dsl/triggers';

/** One Temporal Schedule as definitions/ want it. */
export interface DesiredSchedule {
  scheduleId: string;
  pipeline: string;
  name: string;
  trigger: ScheduleTrigger;
  spec: PipelineSpec;
  params: JsonObject;
  /** Changes whenever anything that goes into the Temporal Schedule changes. */
  hash: string;
}


/** Every schedule trigger of every pipeline, compiled with the trigger's params. */
export function desiredSchedules(registry: Pick<Registry, 'pipelines'>, taskQueue: string): DesiredSchedule[] {
  const desired: DesiredSchedule[] = [];
  for (const pipeline of registry.pipelines.values()) {
    pipeline.triggers.filter(isScheduleTrigger).forEach((trigger, index) => {
      const name = scheduleName(trigger, index);
      const { spec, params } = compile(pipeline, trigger.params ?? {});
      const { params: _params, ...shape } = trigger;
      desired.push({
        scheduleId: scheduleId(pipeline.id, name),
        pipeline: pipeline.id,
        name,
        trigger,
        spec,
        params,
        hash: sha256Hex(canonicalJson({ shape, specHash: spec.hash, params, taskQueue })),
      });
    });
  }
  return desired;
}
