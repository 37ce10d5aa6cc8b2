import { isScheduleTrigger, scheduleName, type Trigger } from './triggers';

/** A trigger in a sentence, for people: what starts the pipeline, and (for schedules) its schedule's name. */
export interface TriggerDescription {
  kind: Trigger['kind'];
  /** The schedule's name (its id is cairn:<pipeline>:<name>); null for event triggers, which have no schedule. */
  schedule: string | null;
  summary: string;
}

/** A trigger in a few words: the schedule list, the pipeline description and the pipeline page all say it so. */
export function describeTrigger(trigger: Trigger): string {
  switch (trigger.kind) {
    case 'cron':
      return `cron '${trigger.expression}' (${trigger.timezone})`;
    case 'interval':
      return `every ${String(trigger.every)}`;
    case 'drift':
      return `drift of model '${trigger.model}' (${trigger.alias}), checked every ${String(trigger.every)}`;
    case 'event':
      return `event '${trigger.event}'`;
  }
}

/** A pipeline's triggers, in declaration order, with schedule names numbered as the schedules are. */
export function describeTriggers(triggers: readonly Trigger[]): TriggerDescription[] {
  let scheduleIndex = 0;
  return triggers.map((trigger) => ({
    kind: trigger.kind,
    schedule: isScheduleTrigger(trigger) ? scheduleName(trigger, scheduleIndex++) : null,
    summary: describeTrigger(trigger),
  }));
}
