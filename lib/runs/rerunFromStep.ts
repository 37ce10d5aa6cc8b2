import type { Client } from '@temporalio/client';
import { downstreamOf } from '../dsl/graph';
import type { JsonValue } from '../dsl/spec';
import { ConfigError } from '../errors';
import { runStateQuery } from '../../workflows/messages';
import { readRunInput } from './readRunInput';
import { startCompiledRun, type StartedRun } from './startRun';

export interface Rerun extends StartedRun {
  rerunOf: string;
  reused: string[];
  rerun: string[];
}

/**
 * Starts a new run of the same spec and params that executes `fromStep` and everything downstream
 * of it, and reuses the recorded outputs of every other step that succeeded in the original run.
 */
export async function rerunFromStep(client: Client, runId: string, fromStep: string, taskQueue: string): Promise<Rerun> {
  const input = await readRunInput(client, runId);
  const names = input.spec.steps.map((s) => s.name);
  if (!names.includes(fromStep)) throw new ConfigError(`run ${runId} has no step '${fromStep}'; steps: ${names.join(', ')}`);
  const state = await client.workflow.getHandle(runId).query(runStateQuery);
  const again = downstreamOf(input.spec.steps, fromStep);
  const outputs: Record<string, JsonValue | null> = {};
  for (const step of state.steps) {
    if (!again.has(step.name) && step.status === 'succeeded') outputs[step.name] = step.output;
  }
  const started = await startCompiledRun(client, {
    spec: input.spec,
    params: input.params,
    trigger: 'rerun',
    taskQueue,
    ...(input.logicalDate ? { logicalDate: new Date(input.logicalDate) } : { logicalDate: new Date(state.logicalDate) }),
    reuse: { fromRun: runId, outputs },
  });
  return { ...started, rerunOf: runId, reused: Object.keys(outputs), rerun: names.filter((n) => !(n in outputs)) };
}
