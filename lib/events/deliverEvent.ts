import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { compile } from '../dsl/compile';
import type { Registry } from '../dsl/registry';
import { ConfigError } from '../errors';
import { runWorkflowId } from '../runIds';
import { startCompiledRun, type RunIssuer } from '../runs/startRun';

export interface EventDelivery {
  event: string;
  eventId: string;
  /** Runs this delivery started. */
  started: { pipeline: string; runId: string }[];
  /** Runs an earlier delivery of the same event id already started: nothing new. */
  duplicates: { pipeline: string; runId: string }[];
}

/**
 * Starts every pipeline subscribed to `event`, once per event id: the run's workflow id is made
 * from the event id and Temporal refuses it a second time. Params for every subscriber are checked
 * before any run starts, so a bad payload starts nothing.
 */
export async function deliverEvent(
  client: Client,
  registry: Registry,
  taskQueue: string,
  delivery: { event: string; eventId: string; payload: unknown },
  issuer?: RunIssuer,
): Promise<EventDelivery> {
  const compiled = [];
  for (const pipeline of registry.pipelines.values()) {
    for (const trigger of pipeline.triggers) {
      if (trigger.kind !== 'event' || trigger.event !== delivery.event) continue;
      let raw: unknown;
      try {
        raw = trigger.params ? trigger.params(delivery.payload) : {};
      } catch (error) {
        throw new ConfigError(`pipeline '${pipeline.id}': cannot make params from the '${delivery.event}' payload: ${(error as Error).message}`);
      }
      compiled.push({ pipeline: pipeline.id, ...compile(pipeline, raw) });
    }
  }
  const result: EventDelivery = { event: delivery.event, eventId: delivery.eventId, started: [], duplicates: [] };
  const key = `${delivery.event}-${delivery.eventId}`;
  for (const { pipeline, spec, params } of compiled) {
    try {
      const run = await startCompiledRun(client, { spec, params, trigger: 'event', key, taskQueue, ...issuer });
      result.started.push({ pipeline, runId: run.runId });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      result.duplicates.push({ pipeline, runId: runWorkflowId(pipeline, 'event', key) });
    }
  }
  return result;
}

/** Pipelines subscribed to each event name. */
export function subscriptions(registry: Registry): Record<string, string[]> {
  const byEvent: Record<string, string[]> = {};
  for (const pipeline of registry.pipelines.values()) {
    for (const trigger of pipeline.triggers) if (trigger.kind === 'event') (byEvent[trigger.event] ??= []).push(pipeline.id);
  }
  return byEvent;
}
