import { open } from 'node:fs/promises';
import type { TabularFormat } from './formats';

/** What a file's first bytes say it is, where they say anything: a container Cairn opens or one it names. */
export type FileKind = 'gzip' | 'zip' | 'parquet' | undefined;

/** The kind a file's magic bytes tell; undefined for text, and for a file that cannot be read (the reader names why). */
export async function fileKind(path: string): Promise<FileKind> {
  try {
    const file = await open(path);
    try {
      const head = Buffer.alloc(4);
      const { bytesRead } = await file.read(head, 0, 4, 0);
      if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
      if (bytesRead === 4 && head.toString('latin1') === 'PK\x03\x04') return 'zip';
      if (bytesRead === 4 && head.toString('latin1') === 'PAR1') return 'parquet';
      return undefined;
    } finally {
      await file.close();
    }
  } catch {
    return undefined;
  }
}

/** Why a file of this kind cannot be read as `format` (a spreadsheet saved as .csv, a Parquet file named .csv), or undefined. */
export function kindMismatch(path: string, kind: FileKind, format: TabularFormat): string | undefined {
  if (kind === 'zip') return `'${path}' is a zip archive (an Excel workbook?), not ${format}: export the sheet as CSV, or unzip it`;
  if (kind === 'parquet' && format !== 'parquet') return `'${path}' is a Parquet file, not ${format}: name it .parquet or set format: 'parquet'`;
  return undefined;
}
