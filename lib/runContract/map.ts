import type { Starter } from '../auth/runAuthority';
import type { FailurePolicy, JsonObject, JsonValue, StepSpec } from '../dsl/spec';
import type { CachePolicy } from './stepCache';
import type { StepError } from './types';

/**
 * The contract of a dynamic map (a step with `map`): the bookkeeping activities the workflow calls,
 * the child workflow that runs a batch of items, and the progress a run's state shows.
 *
 * How a map runs: a local activity stores the list as an artifact and sizes batches; the run starts
 * one child workflow (`runMapBatch`) per batch, at most MAX_PARALLEL_BATCHES at once, sharing the
 * map's concurrency among them; each child reads its items, runs each item's unit (the step, or the
 * sub-pipeline) with the step's retry policy, and stores what they returned as artifact parts; the
 * run gathers the parts into one list artifact, which is the step's output (`null` for an item that
 * did not succeed). Each child's history holds one batch, and the run's one event group per batch,
 * so a map of 10,000 items stays far from Temporal's 51,200-event limit.
 */
export const MAP_PLAN_ACTIVITY = 'cairn-map-plan';
export const MAP_ITEMS_ACTIVITY = 'cairn-map-items';
export const MAP_GATHER_ACTIVITY = 'cairn-map-gather';
export const MAP_COLLECT_ACTIVITY = 'cairn-map-collect';
export const MAP_BOOKKEEPING_ACTIVITIES = [MAP_PLAN_ACTIVITY, MAP_ITEMS_ACTIVITY, MAP_GATHER_ACTIVITY, MAP_COLLECT_ACTIVITY] as const;

/** The workflow type of a batch of a map's items (workflows/mapBatch.ts). */
export const MAP_BATCH_WORKFLOW = 'runMapBatch';

/** Batches of one map running at once. */
export const MAX_PARALLEL_BATCHES = 10;

export interface MapPlanRequest {
  /** What the map is over, for error messages: `param 'regions'`, `upstream step 'partitions'`. */
  describe: string;
  /** The param's value or the upstream step's output (possibly a reference to a stored output). */
  source: JsonValue | null;
  /** A field of the upstream output that holds the list. */
  field?: string;
  /** Steps each item runs (1, or a sub-pipeline's): a batch's history grows with it. */
  unitSteps: number;
  concurrency: number;
}

export interface MapPlan {
  count: number;
  /** The items, stored as one JSON-array artifact (cas:// URI). */
  list: string;
  /** Items per child workflow. */
  batchSize: number;
}

export interface MapItemsRequest {
  list: string;
  indices: number[];
}

export interface MapGatherRequest {
  /** [item index, its output] pairs. */
  results: [number, JsonValue | null][];
}

export interface MapCollectRequest {
  count: number;
  /** Artifact URIs of the gathered parts, each a JSON array of [index, output] pairs. */
  parts: string[];
}

/** What one child workflow of a map runs. */
export interface MapBatchInput {
  runId: string;
  temporalRunId: string;
  pipeline: string;
  specHash: string;
  trigger: string;
  logicalDate: string;
  params: JsonObject;
  startedBy?: Starter;
  /** Signatures of the unit's steps (the sub-pipeline's, by their names within it). */
  signatures?: Record<string, string>;
  cache: CachePolicy;
  /** The mapped step: its own activity, or (activity `cairn-map` with map.steps) a sub-pipeline. */
  step: StepSpec;
  /** The map step's path in the run (`per-region`, `per-region/per-day` when nested): named in activity ids and errors. */
  path: string;
  onFailure: FailurePolicy;
  list: string;
  indices: number[];
  /** Each index's round (1, then one more per operator retry): part of its activity ids. */
  rounds: number[];
  concurrency: number;
  /** The map step's upstream outputs, which every item sees. */
  upstream: Record<string, JsonValue | null>;
}

export interface MapBatchResult {
  succeeded: number[];
  failed: { index: number; error: StepError }[];
  /** Artifact URIs of the succeeded items' outputs. */
  parts: string[];
}

/** `cancelled`: the run was cancelled or aborted before the item finished (it never runs again). */
export type MapItemStatus = 'pending' | 'running' | 'awaiting_operator' | 'failed' | 'skipped' | 'cancelled';

/** An item that has not (yet) succeeded, as the run's state shows it. */
export interface MapItemState {
  index: number;
  status: MapItemStatus;
  round: number;
  error: StepError | null;
  operatorNotes: string[];
}

/** A map's progress in its step's state. */
export interface MapProgress {
  total: number;
  concurrency: number;
  minSuccess: number;
  succeeded: number;
  failed: number;
  skipped: number;
  /** Items the run's cancellation or abort stopped (absent from states recorded before it was counted). */
  cancelled?: number;
  awaitingOperator: number;
  /** Items in batches that are running (running, or queued in their batch). */
  inFlight: number;
  batches: { done: number; running: number };
  /** Items that did not succeed (yet) and are not merely waiting to start, by index: at most MAP_ITEMS_LISTED. */
  items: MapItemState[];
  /** How many more such items there are than `items` lists. */
  itemsNotListed: number;
}

/** Items a run's state lists per map; counts cover the rest. */
export const MAP_ITEMS_LISTED = 100;

/** The key of an operator's decision on one item of a map. */
export function mapItemKey(step: string, index: number): string {
  return `${step}[${index}]`;
}
