import { ConfigError } from '../errors';
import type { JsonValue } from '../dsl/spec';

/** The most items one map may have: each is a line of its list artifact and of its results. */
export const MAX_MAP_ITEMS = 100_000;
/** The largest item, as JSON: items are what to work on (a path, an id, a few settings), not the data itself. */
export const MAX_MAP_ITEM_BYTES = 64 * 1024;

/** The list a map runs over, taken from a param's value or an upstream output (or a field of it). */
export function mapItemsOf(value: JsonValue | null | undefined, field: string | undefined, describe: string): JsonValue[] {
  let list: JsonValue | null | undefined = value;
  if (field !== undefined) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`map over ${describe}: expected an object with a field '${field}', got ${kindOf(value)}`);
    if (!Object.hasOwn(value, field)) throw new ConfigError(`map over ${describe}: the output has no field '${field}'; fields: ${Object.keys(value).join(', ') || 'none'}`);
    list = value[field];
  }
  if (!Array.isArray(list)) throw new ConfigError(`map over ${describe}: expected a list, got ${kindOf(list)}`);
  if (list.length > MAX_MAP_ITEMS) throw new ConfigError(`map over ${describe}: ${list.length} items, over the ${MAX_MAP_ITEMS} one map runs; split the work into several runs`);
  return list;
}

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (the upstream step was skipped, or the param is not set)';
  return Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The size of the largest item in bytes of JSON; an item over MAX_MAP_ITEM_BYTES is refused, named. */
export function largestItemBytes(items: readonly JsonValue[], describe: string): number {
  let largest = 0;
  items.forEach((item, index) => {
    const bytes = Buffer.byteLength(JSON.stringify(item));
    if (bytes > MAX_MAP_ITEM_BYTES) {
      throw new ConfigError(`map over ${describe}: item ${index} is ${bytes} bytes of JSON, over ${MAX_MAP_ITEM_BYTES}; map over references (paths, ids, settings) and let each item read its data`);
    }
    largest = Math.max(largest, bytes);
  });
  return largest;
}
