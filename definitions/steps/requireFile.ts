import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { defineStep } from '../../lib/dsl';
import { DataError } from '../../lib/errors';

/**
 * A sensor: succeeds once a non-empty file exists at `path` and reports its size and sha256. It
 * fails (and after its retries waits for an operator) while the file has not landed yet.
 */
export const requireFile = defineStep({
  name: 'require-file',
  config: z.strictObject({ path: z.string().min(1), maxBytes: z.number().int().positive().default(64 * 1024 * 1024) }),
  run: async ({ config }) => {
    const info = await stat(config.path).catch(() => undefined);
    if (!info?.isFile()) throw new Error(`file ${config.path} has not landed yet`);
    if (info.size === 0) throw new DataError(`file ${config.path} is empty`);
    if (info.size > config.maxBytes) throw new DataError(`file ${config.path} is ${info.size} bytes, over maxBytes ${config.maxBytes}`);
    const sha256 = createHash('sha256').update(await readFile(config.path)).digest('hex');
    return { path: config.path, bytes: info.size, sha256 };
  },
});
