import { randomBytes } from 'node:crypto';

/** Workflow ids say what a run is: `cairn:<pipeline>:<trigger>:<key>`. */
export function runWorkflowId(pipeline: string, trigger: string, key?: string): string {
  return `cairn:${pipeline}:${trigger}:${key ?? newRunKey()}`;
}

/** A Temporal Schedule Cairn manages: `cairn:<pipeline>:<schedule name>`. */
export function scheduleId(pipeline: string, name: string): string {
  return `cairn:${pipeline}:${name}`;
}

/** The workflow a schedule starts (its id is suffixed by Temporal with the fire time); a drift watcher's kind is `drift-watch`. */
export function scheduledWorkflowId(pipeline: string, kind: 'schedule' | 'drift-watch', name: string): string {
  return `cairn:${pipeline}:${kind}:${name}`;
}

/** A sortable, unique key: UTC time to the millisecond and 4 random bytes. */
export function newRunKey(now = new Date()): string {
  return `${now.toISOString().replace(/[-:.]/g, '').replace('T', 't').replace('Z', 'z')}-${randomBytes(4).toString('hex')}`;
}
