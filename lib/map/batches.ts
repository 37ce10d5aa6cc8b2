import { WORST_EVENTS_PER_STEP } from '../dsl/historyBudget';
import { MAX_PARALLEL_BATCHES } from '../runContract/map';

/** Items per batch, at most: a batch is one child workflow, whose history grows with each item. */
const MAX_BATCH_ITEMS = 200;
/** A batch's items travel to its workflow in one payload: keep it well under Temporal's 2 MiB. */
const MAX_BATCH_ITEM_BYTES = 1024 * 1024;
/** History events one batch may write (the server warns from 10,240). */
const MAX_BATCH_EVENTS = 5_000;
/** Batches per parallel lane, so the last batches (the map's tail) are short. */
const BATCHES_PER_LANE = 4;

/** Batches of one map running at once, and the concurrency each is given: together never over the map's. */
export function batchLanes(concurrency: number, batches: number): { lanes: number; share: number } {
  const lanes = Math.max(1, Math.min(MAX_PARALLEL_BATCHES, concurrency, batches));
  return { lanes, share: Math.ceil(concurrency / lanes) };
}

/**
 * Items per batch: small enough for a batch's history (events per item grow with the steps each
 * runs) and its input payload, large enough to give each lane its share of the concurrency, and
 * otherwise a few batches per lane so the map's tail is short.
 */
export function batchSizeFor(plan: { count: number; largestItemBytes: number; unitSteps: number; concurrency: number }): number {
  const { share } = batchLanes(plan.concurrency, Number.POSITIVE_INFINITY);
  const lanes = Math.min(MAX_PARALLEL_BATCHES, plan.concurrency);
  const balanced = Math.max(share, Math.ceil(plan.count / (lanes * BATCHES_PER_LANE)));
  const byEvents = Math.floor(MAX_BATCH_EVENTS / (Math.max(1, plan.unitSteps) * WORST_EVENTS_PER_STEP));
  const byBytes = Math.floor(MAX_BATCH_ITEM_BYTES / Math.max(1, plan.largestItemBytes));
  return Math.max(1, Math.min(MAX_BATCH_ITEMS, byEvents, byBytes, balanced));
}

/** `items` cut into consecutive chunks of at most `size`. */
export function chunked<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
