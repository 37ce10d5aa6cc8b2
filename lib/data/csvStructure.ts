import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { DataError } from '../errors';
import { unreadable } from './csvDialect';
import { everyNth, ignoreProgress, type ReportProgress } from '../progress';

/** Rows between two progress reports while a CSV is checked. */
const ROWS_PER_REPORT = 10_000;

/**
 * Reads a CSV strictly for its structure (every record the header's width, quotes closed) and
 * counts its data rows. DuckDB's sniffer is lenient enough to drop or reshape rows of a malformed
 * file; this check makes such a file a DataError naming the line, and gives the row count that
 * the loaded table must match.
 */
export async function checkCsvStructure(path: string, delimiter = ',', progress: ReportProgress = ignoreProgress): Promise<{ rows: number; columns: number }> {
  const counted = everyNth(progress, ROWS_PER_REPORT, (rows) => ({ phase: 'check-csv', rows }));
  let records = 0;
  let columns = 0;
  const source = createReadStream(path);
  const parser = source.pipe(parse({ delimiter, relax_column_count: false, skip_empty_lines: true, bom: true }));
  // pipe() does not forward a read error (a missing or unreadable file): hand it to the parser, whose loop below throws it.
  source.on('error', (error) => parser.destroy(error));
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (records === 0) columns = record.length;
      records += 1;
      counted(records);
    }
  } catch (error) {
    const e = error as Error & { lines?: number };
    const cannotRead = unreadable(path, error);
    if (cannotRead) throw cannotRead;
    throw new DataError(`malformed CSV${e.lines ? ` at line ${e.lines}` : ''}: ${e.message}`);
  }
  if (records === 0) throw new DataError('the CSV file is empty: it has no header row');
  return { rows: records - 1, columns };
}
