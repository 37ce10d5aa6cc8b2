import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { defineStep } from '../../lib/dsl';
import { allowedFile } from '../../lib/data/sourcePolicy';
import { DataError } from '../../lib/errors';

/**
 * A sensor: succeeds once a non-empty file exists at `path` and reports its size and sha256. It
 * fails (and after its retries waits for an operator) while the file has not landed yet. Only files
 * under the deployment's data roots can be checked (a path outside them is a ConfigError).
 */
export const requireFile = defineStep({
  name: 'require-file',
  config: z.strictObject({ path: z.string().min(1), maxBytes: z.number().int().positive().default(64 * 1024 * 1024) }),
  run: async ({ config }, { sources }) => {
    const path = await allowedFile(sources, config.path).catch((error: unknown) => {
      if (error instanceof DataError) return undefined; // not there yet
      throw error;
    });
    const info = path ? await stat(path).catch(() => undefined) : undefined;
    if (!info?.isFile()) throw new Error(`file ${config.path} has not landed yet`);
    if (info.size === 0) throw new DataError(`file ${config.path} is empty`);
    if (info.size > config.maxBytes) throw new DataError(`file ${config.path} is ${info.size} bytes, over maxBytes ${config.maxBytes}`);
    const sha256 = createHash('sha256').update(await readFile(path as string)).digest('hex');
    return { path: config.path, bytes: info.size, sha256 };
  },
});
