import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { ConfigError } from '../errors';
import type { RunInput } from '../runContract/types';

/** The input a run was started with (spec, params, trigger), read from the first event of its history. */
export async function readRunInput(client: Client, runId: string): Promise<RunInput> {
  const handle = client.workflow.getHandle(runId);
  // describe() says "no such run" as WorkflowNotFoundError (a 404); the history call would not.
  const description = await handle.describe();
  if (description.type !== 'runPipeline') throw new ConfigError(`${runId} is a ${description.type} workflow, not a pipeline run`);
  return runInputFromHistory(await handle.fetchHistory(), runId);
}

/** The run input recorded in the first event of a run's history. */
export function runInputFromHistory(history: temporal.api.history.v1.IHistory, runId: string): RunInput {
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) throw new ConfigError(`run ${runId} has no recorded input`);
  const input = defaultPayloadConverter.fromPayload<RunInput>(payload);
  if (!Array.isArray(input?.spec?.steps)) throw new ConfigError(`run ${runId} was not started with a pipeline spec`);
  return input;
}
