import { randomBytes } from 'node:crypto';

/** Workflow ids say what a run is: `cairn:<pipeline>:<trigger>:<key>`. */
export function runWorkflowId(pipeline: string, trigger: string, key?: string): string {
  return `cairn:${pipeline}:${trigger}:${key ?? newRunKey()}`;
}

/** A sortable, unique key: UTC time to the millisecond and 4 random bytes. */
export function newRunKey(now = new Date()): string {
  return `${now.toISOString().replace(/[-:.]/g, '').replace('T', 't').replace('Z', 'z')}-${randomBytes(4).toString('hex')}`;
}
