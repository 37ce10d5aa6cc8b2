import { createReadStream, createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataError } from '../errors';
import { ignoreProgress, type ReportProgress } from '../progress';

/**
 * Text sources that are not UTF-8, which DuckDB reads only as UTF-8: Excel's "Unicode Text" and
 * PowerShell write UTF-16 (with a byte-order mark), and a CSV Excel saves on Windows is often
 * Windows-1252. A UTF-16 file (its mark says so: fileKind) is converted without being asked; another encoding
 * is converted when the config names it. Node's TextDecoder does the decoding (every WHATWG label:
 * `windows-1252`, `latin1`, `shift_jis`, ...).
 */

/** Why a label is not an encoding Node can decode, or undefined. */
export function encodingProblem(label: string): string | undefined {
  try {
    new TextDecoder(label);
    return undefined;
  } catch {
    return `'${label}' is not a text encoding Node knows (such as utf-8, windows-1252, latin1, utf-16le, shift_jis)`;
  }
}

/** True for the labels that mean UTF-8, which needs no conversion. */
export const isUtf8 = (label: string): boolean => ['utf-8', 'utf8', 'unicode-1-1-utf-8'].includes(label.trim().toLowerCase());

/** Bytes converted between two progress reports. */
const BYTES_PER_REPORT = 16 * 1024 ** 2;

/** Writes `path`, decoded from `encoding`, to `target` as UTF-8 (its byte-order mark dropped); a byte the encoding has no character for is a DataError. */
export async function transcodeToUtf8(path: string, target: string, encoding: string, progress: ReportProgress = ignoreProgress): Promise<void> {
  const decoder = new TextDecoder(encoding, { fatal: true });
  let read = 0;
  const decode = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (Math.floor((read + chunk.length) / BYTES_PER_REPORT) > Math.floor(read / BYTES_PER_REPORT)) progress({ phase: 'transcode', bytes: read + chunk.length });
      read += chunk.length;
      try {
        done(null, Buffer.from(decoder.decode(chunk, { stream: true }), 'utf8'));
      } catch {
        done(new DataError(`'${path}' is not ${encoding} text: a byte near offset ${read - chunk.length}-${read} has no character in it`));
      }
    },
    flush(done) {
      try {
        done(null, Buffer.from(decoder.decode(), 'utf8'));
      } catch {
        done(new DataError(`'${path}' ends in the middle of a ${encoding} character`));
      }
    },
  });
  await pipeline(createReadStream(path), decode, createWriteStream(target));
}
