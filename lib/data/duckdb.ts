import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { DataError } from '../errors';
import { ignoreProgress, reportWhilePending, type ReportProgress } from '../progress';
import { checkCsvStructure } from './csvStructure';
import { fileKind, kindMismatch } from './fileKind';
import { gunzipTo } from './gunzip';
import { isUtf8, transcodeToUtf8 } from './textEncoding';
import { sniffCsv } from './csvDialect';
import { columnTypes, keepWrittenBooleans } from './csvBooleans';
import type { CsvDialect, TabularFormat } from './formats';
import { sqlString } from './sqlText';
import { renamedColumns, type RenamedColumn } from './csvHeader';

/**
 * A private in-memory DuckDB for one job (DuckDB: fast CSV/Parquet/JSON reading and columnar SQL).
 * While one of its statements runs, `progress` hears `{ phase: 'duckdb' }` every second: the engine
 * works on its own threads over local files and has no progress counter to read (its query progress
 * stayed at 0 for the whole of a 60M-row load here), so a statement in flight is the progress there is.
 */
export async function withDuckDb<T>(work: (connection: DuckDBConnection) => Promise<T>, progress: ReportProgress = ignoreProgress): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const connection = await instance.connect();
  try {
    return await work(reportingWhileBusy(connection, progress));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The connection, with every statement it starts reported as work in flight. */
function reportingWhileBusy(connection: DuckDBConnection, progress: ReportProgress): DuckDBConnection {
  if (progress === ignoreProgress) return connection;
  return new Proxy(connection, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = value.apply(target, args);
        return result instanceof Promise ? reportWhilePending(progress, { phase: 'duckdb' }, result) : result;
      };
    },
  });
}

export { sqlIdentifier, sqlString } from './sqlText';

/** A relation's columns in order, each with DuckDB's type name (DESCRIBE's column_type). */
export async function describeColumns(connection: DuckDBConnection, relation = 'data'): Promise<{ name: string; type: string }[]> {
  return (await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${relation}`)).getRowObjectsJS().map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
}

/** What a source may expand to when it is gzip and no cap is given (ingest's default maxBytes). */
const DEFAULT_MAX_BYTES = 2 * 1024 ** 3;

export interface LoadOptions {
  progress?: ReportProgress;
  /** A CSV's dialect as far as it is stated; the rest is sniffed. */
  csv?: Partial<CsvDialect>;
  /** The most a gzip source may expand to. */
  maxBytes?: number;
  /** Where a gzip source is decompressed (default: the system's temporary directory). */
  workDir?: string;
  /** A text source's encoding when it is not UTF-8 (UTF-16 with a byte-order mark is recognised without it). */
  encoding?: string;
}

/**
 * Loads a file into table `data`; a malformed file is a DataError carrying DuckDB's account of where.
 * A CSV is read in the dialect `csv` states, the rest sniffed from the file; returns the dialect used
 * and the header fields DuckDB renamed (a name given twice, or none).
 * A gzip file is decompressed first (to a private temporary file), then read as what it holds.
 */
export async function loadTable(connection: DuckDBConnection, path: string, format: TabularFormat, options: LoadOptions = {}): Promise<LoadedTable> {
  const kind = await fileKind(path);
  const mismatch = kindMismatch(path, kind, format);
  if (mismatch) throw new DataError(mismatch);
  let dir: string | undefined;
  const scratch = async (name: string) => join((dir ??= await mkdtemp(join(options.workDir ?? tmpdir(), 'cairn-source-'))), name);
  try {
    let readable = path;
    let content = kind;
    if (kind === 'gzip') {
      const plain = await scratch(`data.${format}`);
      await gunzipTo(path, plain, options.maxBytes ?? DEFAULT_MAX_BYTES, options.progress);
      readable = plain;
      content = await fileKind(plain);
    }
    const marked = content === 'utf-16le' || content === 'utf-16be' ? content : undefined;
    const encoding = format === 'parquet' ? undefined : (options.encoding ?? marked);
    // Rewritten through the UTF-8 decoder, which drops the mark: DuckDB's sniffer fails on a marked file whose first field is quoted.
    const dropMark = format !== 'parquet' && content === 'utf-8-bom-quote' && (encoding === undefined || isUtf8(encoding));
    if (dropMark) {
      const unmarked = await scratch(`unmarked.${format}`);
      await transcodeToUtf8(readable, unmarked, 'utf-8', options.progress);
      readable = unmarked;
    } else if (encoding && !isUtf8(encoding)) {
      const utf8 = await scratch(`utf8.${format}`);
      await transcodeToUtf8(readable, utf8, encoding, options.progress);
      readable = utf8;
    }
    return await loadPlainTable(connection, readable, format, options);
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

/** How a file was read: a CSV's dialect, and its header fields that did not keep their name. */
export interface LoadedTable {
  dialect?: CsvDialect;
  renamed: RenamedColumn[];
}

async function loadPlainTable(connection: DuckDBConnection, path: string, format: TabularFormat, { progress = ignoreProgress, csv = {} }: LoadOptions): Promise<LoadedTable> {
  const sniffed = format === 'csv' ? await sniffCsv(path, csv) : undefined;
  const dialect = sniffed?.dialect;
  // The dialect is fixed (checkCsvStructure has vetted the file against it); types are still detected, except those stated.
  const readCsv = (d: CsvDialect, types: Record<string, string> = {}) =>
    `read_csv(${sqlString(path)}, header = true, delim = ${sqlString(d.delimiter)}, decimal_separator = ${sqlString(d.decimalSeparator)}, quote = '"', escape = '"', sample_size = -1, strict_mode = true${Object.keys(types).length > 0 ? `, types = ${columnTypes(types)}` : ''})`;
  const reader = dialect
    ? readCsv(dialect)
    : {
        parquet: `read_parquet(${sqlString(path)})`,
        jsonl: `read_json(${sqlString(path)}, format = 'newline_delimited', sample_size = -1)`,
        json: `read_json(${sqlString(path)}, format = 'array', sample_size = -1)`,
      }[format as Exclude<TabularFormat, 'csv'>];
  const expected = dialect ? await checkCsvStructure(path, dialect.delimiter, progress) : undefined;
  try {
    await connection.run(`CREATE TABLE data AS SELECT * FROM ${reader}`);
    if (dialect) await keepWrittenBooleans(connection, (types) => readCsv(dialect, types));
  } catch (error) {
    const message = (error as Error).message;
    // DuckDB's advice (its own format= option) means nothing to someone writing a pipeline.
    if (/invalid unicode|not utf-8|malformed utf-8|invalid utf-8/i.test(message)) {
      throw new DataError(`the file is not UTF-8 (${message.split('\n')[0]?.replace('Invalid Input Error: ', '').slice(0, 160)}): name its encoding, the ingest step's encoding (--param encoding=... for the tabular pipelines), such as 'windows-1252' for a CSV Excel saved on Windows, or 'latin1'`);
    }
    if (format === 'json' && message.includes('Expected top-level JSON array')) {
      throw new DataError("a .json source must hold an array of records ([{...}, {...}]); for one JSON record per line, name the file .jsonl or set format: 'jsonl'");
    }
    throw new DataError(`cannot read ${format} file: ${message.split('\n').slice(0, 6).join(' ')}`);
  }
  if (expected) {
    const loaded = Number((await connection.runAndReadAll('SELECT count(*) AS n FROM data')).getRowObjectsJS()[0]?.n);
    if (loaded !== expected.rows) throw new DataError(`the CSV has ${expected.rows} data rows but only ${loaded} could be read: check its quoting`);
  }
  if (!sniffed) return { renamed: [] };
  return { dialect: sniffed.dialect, renamed: renamedColumns(sniffed.header, (await describeColumns(connection)).map((c) => c.name)) };
}
