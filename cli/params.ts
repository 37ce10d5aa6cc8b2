import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { CliError } from './cliError';

type JsonSchema = { type?: string | string[]; anyOf?: JsonSchema[]; properties?: Record<string, JsonSchema> };

function acceptsOnlyStrings(schema: JsonSchema | undefined): boolean {
  if (!schema) return false;
  if (schema.anyOf) return schema.anyOf.every(acceptsOnlyStrings);
  return schema.type === 'string';
}

function acceptsList(schema: JsonSchema | undefined): boolean {
  if (!schema) return false;
  if (schema.anyOf) return schema.anyOf.some(acceptsList);
  return schema.type === 'array';
}

/** `a,b,c` for a list param: each item as JSON when it is (numbers), else as text (column names). */
function commaList(text: string): unknown[] {
  return text.split(',').map((item) => {
    const trimmed = item.trim();
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return trimmed;
    }
  });
}

/**
 * Turns `--param k=v` pairs into params, reading each value as the pipeline's schema expects it:
 * as text for string params, as JSON (numbers, booleans, lists) otherwise; a list param that is not
 * JSON is read as comma-separated items.
 */
export function parseParamFlags(flags: string[], schema: JsonSchema): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new CliError(`--param ${flag}: expected key=value`);
    const key = flag.slice(0, eq);
    const text = flag.slice(eq + 1);
    if (acceptsOnlyStrings(schema.properties?.[key])) {
      params[key] = text;
      continue;
    }
    try {
      params[key] = JSON.parse(text);
    } catch {
      // A list may be written JSON (["a","b"]) or, more naturally on a command line, a,b.
      params[key] = acceptsList(schema.properties?.[key]) ? commaList(text) : text; // else the server's schema names the param
    }
  }
  return params;
}

/**
 * `./my.csv` means a file next to the user, not next to the worker: a string param that starts with
 * ./ or ../ is sent as an absolute path, resolved against the directory the command was typed in
 * (and ~/ against the user's home directory).
 * One that names a file (it has an extension) that is not there is refused before any run starts,
 * with the path it resolved to.
 */
export function resolveLocalPaths(params: Record<string, unknown>, cwd: string): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(params).map(([key, value]) => {
      if (typeof value !== 'string' || !/^(\.\.?|~)\//.test(value)) return [key, value];
      // ~/ too: the shell does not expand it after `dataset=`.
      const home = value.startsWith('~/');
      const base = home ? homedir() : cwd;
      const path = home ? join(base, value.slice(2)) : resolve(cwd, value);
      if (existsSync(path)) return [key, path];
      if (/\.[A-Za-z0-9]{1,8}$/.test(value)) throw new CliError(`--param ${key}: no file at ${path} ('${value}' resolved against ${base})`);
      return [key, value];
    }),
  );
}
