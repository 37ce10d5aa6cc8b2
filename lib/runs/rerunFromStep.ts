import type { Client } from '@temporalio/client';
import { downstreamOf } from '../dsl/graph';
import type { JsonValue } from '../dsl/spec';
import { ConfigError } from '../errors';
import { OMITTED_OUTPUT } from '../runContract/types';
import { readRunState } from './describeRun';
import { readRunInput } from './readRunInput';
import { startCompiledRun, type RunIssuer, type StartedRun } from './startRun';

export interface Rerun extends StartedRun {
  rerunOf: string;
  reused: string[];
  rerun: string[];
}

function isOmittedOutput(output: JsonValue | null): boolean {
  return typeof output === 'object' && output !== null && !Array.isArray(output) && OMITTED_OUTPUT in output;
}

/**
 * Starts a new run of the same spec and params that executes `fromStep` and everything downstream
 * of it, and reuses the recorded outputs of every other step that succeeded in the original run. The
 * new run acts with the authority of whoever asked for it, not of the original run's starter.
 */
export async function rerunFromStep(client: Client, runId: string, fromStep: string, taskQueue: string, issuer?: RunIssuer): Promise<Rerun> {
  const input = await readRunInput(client, runId);
  const names = input.spec.steps.map((s) => s.name);
  if (!names.includes(fromStep)) throw new ConfigError(`run ${runId} has no step '${fromStep}'; steps: ${names.join(', ')}`);
  const state = await readRunState(client, runId);
  const again = downstreamOf(input.spec.steps, fromStep);
  const outputs: Record<string, JsonValue | null> = {};
  for (const step of state.steps) {
    if (again.has(step.name) || step.status !== 'succeeded') continue;
    if (isOmittedOutput(step.output)) {
      throw new ConfigError(`run ${runId} did not keep the output of step '${step.name}' (too large for its state); re-run from '${step.name}' or a step before it`);
    }
    outputs[step.name] = step.output;
  }
  const started = await startCompiledRun(client, {
    spec: input.spec,
    params: input.params,
    trigger: 'rerun',
    taskQueue,
    ...(input.logicalDate ? { logicalDate: new Date(input.logicalDate) } : { logicalDate: new Date(state.logicalDate) }),
    reuse: { fromRun: runId, outputs },
    ...issuer,
  });
  return { ...started, rerunOf: runId, reused: Object.keys(outputs), rerun: names.filter((n) => !(n in outputs)) };
}
