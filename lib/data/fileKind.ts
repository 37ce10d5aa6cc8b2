import { open } from 'node:fs/promises';
import { DataError } from '../errors';
import type { TabularFormat } from './formats';

/**
 * What a file's first bytes say it is, where they say anything: a container Cairn opens or one it
 * names, UTF-16 text (its byte-order mark), or UTF-8 text whose byte-order mark is followed by a
 * quote (Excel's "CSV UTF-8" with a quoted first header field, which DuckDB's reader cannot sniff).
 */
export type FileKind = 'gzip' | 'zip' | 'parquet' | 'utf-16le' | 'utf-16be' | 'utf-8-bom-quote' | undefined;

/** The kind a file's magic bytes tell; undefined for UTF-8 text, and for a file that cannot be read (the reader names why). */
export async function fileKind(path: string): Promise<FileKind> {
  const head = await readHead(path, 4).catch(() => Buffer.alloc(0));
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  if (head.length === 4 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf && head[3] === 0x22) return 'utf-8-bom-quote';
  if (head.length === 4 && head.toString('latin1') === 'PK\x03\x04') return 'zip';
  if (head.length === 4 && head.toString('latin1') === 'PAR1') return 'parquet';
  return undefined;
}

/** Up to `bytes` bytes from the start of a file (all of it when it is shorter). */
export async function readHead(path: string, bytes: number): Promise<Buffer> {
  const file = await open(path);
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await file.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/** A file that cannot be read (missing, a directory, not permitted) as a DataError naming it; undefined for any other error. */
export function unreadable(path: string, error: unknown): DataError | undefined {
  const e = error as Error & { code?: string };
  if (e.code === 'ENOENT' || e.code === 'EISDIR' || e.code === 'EACCES') return new DataError(`cannot read '${path}': ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  return undefined;
}

/** Why a file of this kind cannot be read as `format` (a spreadsheet saved as .csv, a Parquet file named .csv), or undefined. */
export function kindMismatch(path: string, kind: FileKind, format: TabularFormat): string | undefined {
  if (kind === 'zip') return `'${path}' is a zip archive (an Excel workbook?), not ${format}: export the sheet as CSV, or unzip it`;
  if (kind === 'parquet' && format !== 'parquet') return `'${path}' is a Parquet file, not ${format}: name it .parquet or set format: 'parquet'`;
  return undefined;
}
