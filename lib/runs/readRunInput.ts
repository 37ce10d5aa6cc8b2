import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { ConfigError } from '../errors';
import type { RunInput } from '../../workflows/runTypes';

/** The input a run was started with (spec, params, trigger), read from the first event of its history. */
export async function readRunInput(client: Client, runId: string): Promise<RunInput> {
  const history = await client.workflow.getHandle(runId).fetchHistory();
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) throw new ConfigError(`run ${runId} has no recorded input`);
  return defaultPayloadConverter.fromPayload<RunInput>(payload);
}
