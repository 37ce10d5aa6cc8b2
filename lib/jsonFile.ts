import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { ConfigError } from './errors';

/** A JSON file a user wrote (cairn.config.json, package.json), checked by `schema`: a ConfigError names the file and each field that is wrong. */
export function readJsonFile<S extends z.ZodType>(path: string, schema: S, expected = ''): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${path}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ')}${expected ? ` (expected ${expected})` : ''}`);
  return parsed.data;
}
