import { open } from 'node:fs/promises';
import { ConfigError, DataError } from '../errors';
import { ignoreProgress, type ReportProgress } from '../progress';
import { unreadable } from './fileKind';
import { delimiterProblem } from './formats';

/** Rows between two progress reports while a CSV is checked. */
const ROWS_PER_REPORT = 10_000;
/** Bytes read at a time. */
const CHUNK_BYTES = 1 << 20;

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const BOM = [0xef, 0xbb, 0xbf];

/** Where the scanner stands inside a record. */
const enum At {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote inside a quoted field: the next byte tells a doubled quote from the closing one. */
  QuoteInQuoted,
}

/**
 * Reads a CSV strictly for its structure (every record the header's width, quotes closed, no stray
 * quote) and counts its data rows. DuckDB's reader is lenient enough to drop or reshape rows of a
 * malformed file; this check makes such a file a DataError naming the line, and gives the row count
 * that the loaded table must match. RFC 4180 with a one-byte delimiter: a field is quoted from its
 * first byte or not at all, a quote inside one is doubled, records end at LF, CRLF or CR, and empty
 * lines are skipped. A byte scanner rather than csv-parse (which checked the same rules before):
 * this runs over every byte of every file ingested, and csv-parse took 2.8 s of a 1M-row ingest's
 * 4.3; the scanner takes 0.15 (bench/README.md, ingest).
 */
export async function checkCsvStructure(path: string, delimiter = ',', progress: ReportProgress = ignoreProgress): Promise<{ rows: number; columns: number }> {
  const scanner = new StructureScanner(delimiter, (records) => progress({ phase: 'check-csv', rows: records }));
  try {
    const file = await open(path);
    try {
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      for (;;) {
        const { bytesRead } = await file.read(buffer, 0, CHUNK_BYTES, null);
        if (bytesRead === 0) break;
        scanner.scan(buffer, bytesRead);
      }
    } finally {
      await file.close();
    }
  } catch (error) {
    throw unreadable(path, error) ?? error;
  }
  const { records, columns } = scanner.finish();
  if (records === 0) throw new DataError('the CSV file is empty: it has no header row');
  return { rows: records - 1, columns };
}

/** The structure check over bytes fed in pieces of any size (checkCsvStructure feeds a file). */
export class StructureScanner {
  private readonly delimiter: number;
  private at = At.FieldStart;
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  /** Delimiters seen in the current record. */
  private delimiters = 0;
  /** Whether the current line holds anything (an empty one is skipped). */
  private started = false;
  private records = 0;
  private columns = 0;
  /** Bytes of a leading byte-order mark seen so far; -1 once past it. */
  private bomMatched = 0;

  constructor(
    delimiter: string,
    private readonly onRecords: (records: number) => void,
  ) {
    const problem = delimiterProblem(delimiter);
    if (problem) throw new ConfigError(`cannot read a CSV delimited by ${JSON.stringify(delimiter)}: ${problem}`);
    this.delimiter = delimiter.charCodeAt(0);
  }

  scan(bytes: Buffer, length: number): void {
    let i = 0;
    // A byte-order mark is not part of the first column's name (it may come in pieces, as anything may).
    for (; this.bomMatched >= 0 && i < length; i++) {
      if (bytes[i] === BOM[this.bomMatched]) {
        this.bomMatched += 1;
        if (this.bomMatched === BOM.length) this.bomMatched = -1;
        continue;
      }
      // Not a mark: what matched of one is the first field's text.
      if (this.bomMatched > 0) {
        this.at = At.Unquoted;
        this.started = true;
      }
      this.bomMatched = -1;
      break;
    }
    const delimiter = this.delimiter;
    for (; i < length; i++) {
      const byte = bytes[i] as number;
      if (this.at === At.Quoted) {
        if (byte === QUOTE) this.at = At.QuoteInQuoted;
        else if (byte === LF) this.line += 1;
      } else if (this.at === At.QuoteInQuoted) {
        if (byte === QUOTE) this.at = At.Quoted;
        else if (byte === delimiter) this.nextField();
        else if (byte === LF || byte === CR) this.endLine(byte);
        else throw this.malformed(this.line, `${JSON.stringify(String.fromCharCode(byte))} follows the closing quote of field ${this.delimiters + 1} (expected the delimiter or the end of the line)`);
      } else if (byte === delimiter) this.nextField();
      else if (byte === LF || byte === CR) this.endLine(byte);
      else if (byte !== QUOTE) {
        this.at = At.Unquoted;
        this.started = true;
      } else if (this.at === At.FieldStart) {
        this.at = At.Quoted;
        this.started = true;
        this.quoteLine = this.line;
      } else throw this.malformed(this.line, `a quote inside field ${this.delimiters + 1}, which does not start with one (quote the whole field and double the quotes in it)`);
    }
  }

  /** The counts once every byte is scanned; a quote still open is an error. */
  finish(): { records: number; columns: number } {
    if (this.at === At.Quoted) throw this.malformed(this.quoteLine, 'a quote opened here is never closed');
    this.endRecord();
    return { records: this.records, columns: this.columns };
  }

  private nextField(): void {
    this.delimiters += 1;
    this.started = true;
    this.at = At.FieldStart;
  }

  private endLine(byte: number): void {
    this.endRecord();
    // CRLF ends a record at the CR; the LF after it is an empty line, skipped.
    if (byte === LF) this.line += 1;
    this.recordLine = this.line;
  }

  private endRecord(): void {
    this.at = At.FieldStart;
    if (!this.started) return;
    const fields = this.delimiters + 1;
    this.records += 1;
    if (this.records === 1) this.columns = fields;
    else if (fields !== this.columns) throw this.malformed(this.recordLine, `a record of ${fields} fields, where the header has ${this.columns}`);
    if (this.records % ROWS_PER_REPORT === 0) this.onRecords(this.records);
    this.delimiters = 0;
    this.started = false;
  }

  private malformed(line: number, what: string): DataError {
    return new DataError(`malformed CSV at line ${line}: ${what}`);
  }
}
