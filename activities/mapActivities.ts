import type { StepServices } from '../lib/dsl/defineStep';
import type { JsonValue } from '../lib/dsl/spec';
import { isOutputRef, OUTPUT_MEDIA_TYPE, resolveOutput, type OutputRef } from '../lib/artifacts/outputRef';
import { batchSizeFor } from '../lib/map/batches';
import { largestItemBytes, mapItemsOf } from '../lib/map/mapItems';
import {
  MAP_COLLECT_ACTIVITY,
  MAP_GATHER_ACTIVITY,
  MAP_ITEMS_ACTIVITY,
  MAP_PLAN_ACTIVITY,
  type MapCollectRequest,
  type MapGatherRequest,
  type MapItemsRequest,
  type MapPlan,
  type MapPlanRequest,
} from '../lib/runContract/map';
import { ConfigError } from '../lib/errors';

const LIST_MEDIA_TYPE = 'application/vnd.cairn.map-items+json';
const PART_MEDIA_TYPE = 'application/vnd.cairn.map-results-part+json';

/** Lists parsed recently, by URI: every batch of a map reads the same list, so it is parsed once per worker, not once per batch. */
const RECENT_LISTS = 4;

/**
 * A map's bookkeeping, run by the workflow's own worker as local activities: store the list and
 * size the batches; hand a batch its items; store a batch's results; gather every result into the
 * one list artifact that is the step's output. All of it goes through the artifact store, so no
 * payload carries more than a batch.
 */
export function mapActivities(services: Pick<StepServices, 'artifacts'>) {
  const recent = new Map<string, JsonValue[]>();
  const readList = async (uri: string): Promise<JsonValue[]> => {
    const known = recent.get(uri);
    if (known) return known;
    const list = JSON.parse((await services.artifacts.read(uri)).toString('utf8')) as JsonValue[];
    recent.set(uri, list);
    if (recent.size > RECENT_LISTS) recent.delete(recent.keys().next().value as string);
    return list;
  };

  return {
    async [MAP_PLAN_ACTIVITY](request: MapPlanRequest): Promise<MapPlan> {
      const source = await resolveOutput(request.source, services.artifacts);
      const items = mapItemsOf(source, request.field, request.describe);
      const largest = largestItemBytes(items, request.describe);
      const stored = await services.artifacts.put(Buffer.from(JSON.stringify(items)), LIST_MEDIA_TYPE);
      return { count: items.length, list: stored.uri, batchSize: batchSizeFor({ count: items.length, largestItemBytes: largest, unitSteps: request.unitSteps, concurrency: request.concurrency }) };
    },

    async [MAP_ITEMS_ACTIVITY](request: MapItemsRequest): Promise<JsonValue[]> {
      const list = await readList(request.list);
      return request.indices.map((index) => {
        if (index < 0 || index >= list.length) throw new ConfigError(`map list ${request.list} has no item ${index}`);
        return list[index] as JsonValue;
      });
    },

    async [MAP_GATHER_ACTIVITY](request: MapGatherRequest): Promise<string> {
      return (await services.artifacts.put(Buffer.from(JSON.stringify(request.results)), PART_MEDIA_TYPE)).uri;
    },

    /** The results in item order, `null` for an item that did not succeed; an item's own large output (a reference) is read in. */
    async [MAP_COLLECT_ACTIVITY](request: MapCollectRequest): Promise<JsonValue> {
      const results: (JsonValue | null)[] = Array.from({ length: request.count }, () => null);
      for (const part of request.parts) {
        const pairs = JSON.parse((await services.artifacts.read(part)).toString('utf8')) as [number, JsonValue | null][];
        for (const [index, output] of pairs) results[index] = isOutputRef(output) ? await resolveOutput(output, services.artifacts) : output;
      }
      const json = Buffer.from(JSON.stringify(results));
      const stored = await services.artifacts.put(json, OUTPUT_MEDIA_TYPE);
      return { $cairnOutput: stored.uri, size: stored.size } satisfies OutputRef;
    },
  };
}
