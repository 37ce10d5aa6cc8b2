import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { ConfigError } from '../errors';
import { readHead, unreadable } from './fileKind';
import { dialectProblem, type CsvDialect } from './formats';

/** What a dialect sniff reads of a file: enough for a hundred lines of most tables, never the whole file. */
const SAMPLE_BYTES = 64 * 1024;
/** Lines a sniff compares. */
const SAMPLE_LINES = 100;
/** The delimiters tried, in order of preference when two fit a sample equally well. */
const CANDIDATE_DELIMITERS = [',', ';', '\t', '|'];
const DECIMAL_COMMA = /^[-+]?\d*,\d+$/;
const DECIMAL_POINT = /^[-+]?\d*\.\d+$/;

/**
 * The CSV dialect of a file: what `given` states, the rest sniffed from its first lines. The
 * delimiter is the candidate that splits every sampled line (quotes respected) into the same number
 * of fields, the most fields winning; a file no candidate splits consistently is read with commas
 * (tabs for `.tsv`), and the structure check then names its first bad line. Numbers are read with a
 * decimal comma only in a file not delimited by commas whose sample writes decimals `1,5` and never
 * `1.5`, as a spreadsheet set to such a locale exports them.
 */
export async function sniffCsvDialect(path: string, given: Partial<CsvDialect> = {}): Promise<CsvDialect> {
  return (await sniffCsv(path, given)).dialect;
}

/** The dialect, and the header as the file writes it (for what DuckDB renames: lib/data/csvHeader.ts), from one read of the file's head. */
export async function sniffCsv(path: string, given: Partial<CsvDialect> = {}): Promise<{ dialect: CsvDialect; header: string[] }> {
  const problem = dialectProblem(given);
  if (problem) throw new ConfigError(`${problem}: set delimiter or decimalSeparator`);
  const sample = await readSample(path);
  const sniffed = given.delimiter === undefined ? bestDelimiter(sample) : undefined;
  const delimiter = given.delimiter ?? sniffed?.delimiter ?? (extname(path).toLowerCase() === '.tsv' ? '\t' : ',');
  const records = sniffed?.records ?? recordsOf(sample, delimiter) ?? [];
  const decimalSeparator = given.decimalSeparator ?? (delimiter === ',' ? '.' : decimalSeparatorOf(records));
  return { dialect: { delimiter, decimalSeparator }, header: records[0] ?? [] };
}

/** The first whole lines of the file (all of it when it is shorter than the sample), without a byte-order mark. */
async function readSample(path: string): Promise<string> {
  const head = await readHead(path, SAMPLE_BYTES).catch((error: unknown) => {
    throw unreadable(path, error) ?? error;
  });
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  // A cut line (or a cut character) would miscount its fields.
  return head.length === SAMPLE_BYTES && text.includes('\n') ? text.slice(0, text.lastIndexOf('\n') + 1) : text;
}

/** The sample's records split by `delimiter`, or undefined when its quoting does not parse that way. */
function recordsOf(sample: string, delimiter: string): string[][] | undefined {
  try {
    return parse(sample, { delimiter, relax_column_count: true, skip_empty_lines: true, to_line: SAMPLE_LINES }) as string[][];
  } catch {
    return undefined;
  }
}

/** The candidate that splits every sampled record into the same number (above one) of fields, the most winning, with those records. */
function bestDelimiter(sample: string): { delimiter: string; records: string[][] } | undefined {
  let best: { delimiter: string; records: string[][] } | undefined;
  for (const delimiter of CANDIDATE_DELIMITERS) {
    const records = recordsOf(sample, delimiter);
    const fields = records?.[0]?.length ?? 0;
    if (!records || fields < 2 || !records.every((record) => record.length === fields)) continue;
    if (!best || fields > (best.records[0]?.length ?? 0)) best = { delimiter, records };
  }
  return best;
}

/** ',' when the data rows write decimals with a comma and never with a point. */
function decimalSeparatorOf(records: string[][]): '.' | ',' {
  let commas = 0;
  for (const record of records.slice(1)) {
    for (const field of record) {
      const value = field.trim();
      if (DECIMAL_POINT.test(value)) return '.';
      if (DECIMAL_COMMA.test(value)) commas += 1;
    }
  }
  return commas > 0 ? ',' : '.';
}
