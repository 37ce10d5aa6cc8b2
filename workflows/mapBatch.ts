import { isCancellation, proxyLocalActivities } from '@temporalio/workflow';
import type { JsonValue, PipelineSpec, StepSpec } from '../lib/dsl/spec';
import { MAP_GATHER_ACTIVITY, MAP_ITEMS_ACTIVITY, type MapBatchInput, type MapBatchResult, type MapGatherRequest, type MapItemsRequest } from '../lib/runContract/map';
import type { StepError } from '../lib/runContract/types';
import { jsonBytes } from './jsonBytes';
import { createRunState, stepState } from './runState';
import { runAllSteps, type StepContext } from './runSteps';
import { describeFailure } from './stepFailure';

const mapBookkeeping = proxyLocalActivities<{
  [MAP_ITEMS_ACTIVITY]: (request: MapItemsRequest) => Promise<JsonValue[]>;
  [MAP_GATHER_ACTIVITY]: (request: MapGatherRequest) => Promise<string>;
}>({ startToCloseTimeout: '10 minutes', retry: { maximumAttempts: 5 } });

/** Results gathered per part: well under a payload, as one local activity's input. */
const PART_BYTES = 1024 * 1024;

/**
 * One batch of a map's items (a child workflow of the run, or of an outer batch for a nested map):
 * runs each item's unit (the mapped step, or its sub-pipeline) with the run's own interpreter, at
 * most `concurrency` at once, each step with its retry policy; an item that fails for good is
 * reported, not held (the run lets an operator retry or skip it). Succeeded items' outputs are
 * stored as artifact parts, so this workflow's result stays small whatever they return.
 */
export async function runMapBatch(input: MapBatchInput): Promise<MapBatchResult> {
  const values = await mapBookkeeping[MAP_ITEMS_ACTIVITY]({ list: input.list, indices: input.indices });
  const unit = unitOf(input);
  const succeeded: number[] = [];
  const failed: { index: number; error: StepError }[] = [];
  const results: [number, JsonValue | null][] = [];

  const runItem = async (position: number): Promise<void> => {
    const index = input.indices[position] as number;
    const run = createRunState(unit.spec, input.trigger, input.logicalDate, null, input.startedBy ?? null);
    const context: StepContext = {
      runId: input.runId,
      temporalRunId: input.temporalRunId,
      params: input.params,
      reuse: undefined,
      signatures: input.signatures,
      cache: input.cache,
      pathPrefix: unit.pathPrefix,
      item: { index, value: values[position] ?? null, round: input.rounds[position] ?? 1, as: input.step.map?.as ?? 'item' },
      outerUpstream: input.upstream,
    };
    try {
      await runAllSteps(run, context, () => undefined);
      succeeded.push(index);
      results.push([index, Array.isArray(unit.result) ? Object.fromEntries(unit.result.map((name) => [name, stepState(run, name).output])) : stepState(run, unit.result).output]);
    } catch (error) {
      if (isCancellation(error)) throw error;
      failed.push({ index, error: itemError(run.steps.values(), error, unit.named) });
    }
  };
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < input.indices.length) await runItem(next++);
  };
  await Promise.all(Array.from({ length: Math.min(input.concurrency, input.indices.length) }, lane));

  const parts: string[] = [];
  for (const part of byBytes(results, PART_BYTES)) parts.push(await mapBookkeeping[MAP_GATHER_ACTIVITY]({ results: part }));
  return { succeeded, failed, parts };
}

/** What each item runs: the mapped step alone (its upstream outputs come from the run), or its sub-pipeline. */
function unitOf(input: MapBatchInput): { spec: PipelineSpec; result: string | string[]; pathPrefix: string; named: boolean } {
  const base = { specVersion: 1 as const, pipeline: input.pipeline, description: '', hash: input.specHash, onFailure: input.onFailure };
  const map = input.step.map;
  if (map?.steps) return { spec: { ...base, steps: map.steps }, result: map.result ?? (map.steps.at(-1) as StepSpec).name, pathPrefix: `${input.path}.`, named: true };
  const { map: _map, ...step } = input.step;
  return { spec: { ...base, steps: [{ ...step, after: [] }] }, result: step.name, pathPrefix: input.path.slice(0, input.path.length - step.name.length), named: false };
}

/** An item's failure: the error of the step that failed (named, in a sub-pipeline), else the failure itself. */
function itemError(steps: Iterable<{ name: string; status: string; error: StepError | null }>, error: unknown, named: boolean): StepError {
  const failedStep = [...steps].find((s) => s.status === 'failed' && s.error);
  if (!failedStep?.error) return describeFailure(error);
  return named ? { ...failedStep.error, message: `step '${failedStep.name}': ${failedStep.error.message}` } : failedStep.error;
}

/** Consecutive groups of results, each under `limit` bytes of JSON (a single larger result is a group of its own). */
function byBytes(results: [number, JsonValue | null][], limit: number): [number, JsonValue | null][][] {
  const groups: [number, JsonValue | null][][] = [];
  let group: [number, JsonValue | null][] = [];
  let bytes = 0;
  for (const result of results) {
    const size = jsonBytes(result);
    if (group.length > 0 && bytes + size > limit) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(result);
    bytes += size;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}
