import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { downstreamOf } from '../dsl/graph';
import type { JsonValue } from '../dsl/spec';
import { ConfigError } from '../errors';
import { runStateQuery } from '../../workflows/messages';
import type { RunInput } from '../../workflows/runTypes';
import { startCompiledRun, type StartedRun } from './startRun';

export interface Rerun extends StartedRun {
  rerunOf: string;
  reused: string[];
  rerun: string[];
}

/** The input a run was started with, read from the first event of its history. */
async function originalInput(client: Client, runId: string): Promise<RunInput> {
  const history = await client.workflow.getHandle(runId).fetchHistory();
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) throw new ConfigError(`run ${runId} has no recorded input`);
  return defaultPayloadConverter.fromPayload<RunInput>(payload);
}

/**
 * Starts a new run of the same spec and params that executes `fromStep` and everything downstream
 * of it, and reuses the recorded outputs of every other step that succeeded in the original run.
 */
export async function rerunFromStep(client: Client, runId: string, fromStep: string, taskQueue: string): Promise<Rerun> {
  const input = await originalInput(client, runId);
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
