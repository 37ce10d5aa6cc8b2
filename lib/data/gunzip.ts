import { createReadStream, createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { DataError } from '../errors';
import { ignoreProgress, type ReportProgress } from '../progress';

/** Decompressed bytes between two progress reports. */
const BYTES_PER_REPORT = 16 * 1024 ** 2;

/**
 * Writes the decompressed content of a gzip file to `target`, stopping with a DataError past
 * `maxBytes` of it: a few kilobytes of gzip can stand for gigabytes, so the cap on what a source
 * may be holds for what it expands to, before it fills the disk.
 */
export async function gunzipTo(path: string, target: string, maxBytes: number, progress: ReportProgress = ignoreProgress): Promise<void> {
  let written = 0;
  const capped = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (Math.floor((written + chunk.length) / BYTES_PER_REPORT) > Math.floor(written / BYTES_PER_REPORT)) progress({ phase: 'gunzip', bytes: written + chunk.length });
      written += chunk.length;
      done(written > maxBytes ? new DataError(`'${path}' expands to more than maxBytes ${maxBytes} bytes when decompressed`) : null, chunk);
    },
  });
  try {
    await pipeline(createReadStream(path), createGunzip(), capped, createWriteStream(target));
  } catch (error) {
    if (error instanceof DataError) throw error;
    const e = error as Error & { code?: string };
    if (e.code?.startsWith('Z_')) throw new DataError(`'${path}' is not a whole gzip file: ${e.message}`);
    throw error;
  }
}
