import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { DataError } from '../errors';
import type { DatasetRow } from '../dsl/readDataset';

/** A row a step writes: what readDataset gives, and Dates (stored as timestamps). */
export type WritableRow = Record<string, DatasetRow[string] | Date>;

/** What a step may hand `writeDataset`: rows in memory, or a generator that yields them. */
export type DatasetRows = Iterable<WritableRow> | AsyncIterable<WritableRow>;

/** How often (rows) the writer reports progress and looks at the step's signal. */
const BEAT_ROWS = 10_000;

/** Why a cell cannot go into a dataset, or undefined when it can. */
function refusal(value: unknown): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${value} is not a value a dataset holds (write null for a missing value)`;
  if (value === undefined) return 'undefined (write null for a missing value)';
  const kind = Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
  return `${kind} (a dataset holds text, numbers, booleans and null; turn it into one, e.g. with JSON.stringify)`;
}

/** A cell as stored: a Date becomes its ISO text (readDataset gives dates back as text too). */
function cell(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

/**
 * Writes rows as JSON lines to `path`, one object per line, checking every cell, so that DuckDB
 * reads back exactly the values given: a NaN, an undefined or a nested object is a DataError naming
 * the row (from 1) and the column, never a silently dropped or stringified value. Streams: the
 * rows are never all in memory at once unless the caller's were. Returns how many rows it wrote.
 */
export async function rowsToJsonl(rows: DatasetRows, path: string, options: { signal?: AbortSignal; progress?: (rows: number) => void } = {}): Promise<number> {
  const out = createWriteStream(path);
  const closed = once(out, 'close');
  let count = 0;
  try {
    for await (const row of rows) {
      count += 1;
      if (row === null || typeof row !== 'object' || Array.isArray(row)) throw new DataError(`writeDataset: row ${count} is ${Array.isArray(row) ? 'a list' : String(row)}, not an object of column values`);
      const line: Record<string, unknown> = {};
      for (const [column, value] of Object.entries(row)) {
        const stored = cell(value);
        const why = refusal(stored);
        if (why) throw new DataError(`writeDataset: row ${count}, column '${column}': ${why}`);
        line[column] = stored;
      }
      if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
      if (count % BEAT_ROWS === 0) {
        options.signal?.throwIfAborted();
        options.progress?.(count);
      }
    }
  } finally {
    out.end();
    await closed;
  }
  return count;
}
