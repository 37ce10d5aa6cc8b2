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

/** Lines are handed to the file in chunks of about this many characters: one write per row cost more than the rows' JSON (bench/writeDataset.ts). */
const CHUNK_CHARS = 64 * 1024;

/**
 * A row as one line of JSON. Every cell is checked; a row without Dates is stringified as it is, and
 * only one with a Date is copied (the Date as its ISO text: readDataset gives dates back as text too).
 */
function rowLine(row: WritableRow, index: number): string {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) throw new DataError(`writeDataset: row ${index} is ${Array.isArray(row) ? 'a list' : String(row)}, not an object of column values`);
  // A class instance is copied to a plain object first: JSON.stringify would call a toJSON it inherits, unchecked.
  const proto: unknown = Object.getPrototypeOf(row);
  let copy: Record<string, unknown> | undefined = proto === Object.prototype || proto === null ? undefined : { ...row };
  const columns = Object.keys(row);
  for (const column of columns) {
    const value = row[column];
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) throw new DataError(`writeDataset: row ${index}, column '${column}': an invalid Date (write null for a missing value)`);
      copy ??= { ...row };
      copy[column] = value.toISOString();
      continue;
    }
    const why = refusal(value);
    if (why) throw new DataError(`writeDataset: row ${index}, column '${column}': ${why}`);
  }
  return `${JSON.stringify(copy ?? row)}\n`;
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
  let pending = '';
  try {
    for await (const row of rows) {
      count += 1;
      pending += rowLine(row, count);
      if (pending.length >= CHUNK_CHARS) {
        const flushed = out.write(pending);
        pending = '';
        if (!flushed) await once(out, 'drain');
      }
      if (count % BEAT_ROWS === 0) {
        options.signal?.throwIfAborted();
        options.progress?.(count);
      }
    }
  } finally {
    out.end(pending);
    await closed;
  }
  return count;
}
