import { realpath } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { ConfigError, DataError } from '../errors';

/**
 * What data a worker may read on a run's behalf: set by the deployment (environment, registry,
 * `cairn dev`), never by a run's params. A param names a source; this decides whether it may be read.
 */
export interface SourcePolicy {
  /** Directories that file sources must lie in once symlinks are resolved (absolute). */
  readonly dataRoots: readonly string[];
  /** Hosts URLs may be fetched from (`*.example.com` for subdomains); a pipeline may narrow this, never widen it. */
  readonly allowHosts: readonly string[];
  /** Hosts of allowHosts that may resolve to private or loopback addresses (an internal data server). */
  readonly privateHosts: readonly string[];
  /** SQL sources by name (`sql:<name>`): the deployment holds the connection strings and their credentials. */
  readonly sqlConnections: Readonly<Record<string, string>>;
}

/** A policy that allows nothing: no files, no hosts, no SQL. */
export const NOTHING_ALLOWED: SourcePolicy = { dataRoots: [], allowHosts: [], privateHosts: [], sqlConnections: {} };

/** Roots as absolute paths, each also in its symlink-resolved form (so /tmp and /private/tmp both count). */
export function normalizeRoots(roots: readonly string[]): string[] {
  const forms = roots.flatMap((root) => {
    const absolute = resolve(root);
    try {
      return [absolute, realpathSync(absolute)];
    } catch {
      return [absolute]; // a root that does not exist yet holds nothing, which is harmless
    }
  });
  return [...new Set(forms)];
}

function inside(path: string, roots: readonly string[]): boolean {
  return roots.some((root) => {
    const rel = relative(root, path);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  });
}

/**
 * The file a source path names, if the policy allows it: the path must lie under a data root both as
 * written (checked before the file system is touched, so a refusal says nothing about whether the file
 * exists) and once symlinks are resolved (so a link cannot lead out). Returns the resolved path.
 */
export async function allowedFile(policy: SourcePolicy, path: string): Promise<string> {
  const roots = normalizeRoots(policy.dataRoots);
  const outside = () =>
    new ConfigError(
      `'${path}' is outside the data roots (${policy.dataRoots.join(', ') || 'none are configured'}): ` +
        'files are read only under CAIRN_DATA_ROOTS (or a data root the registry declares)',
    );
  const absolute = resolve(path);
  if (!inside(absolute, roots)) throw outside();
  const real = await realpath(absolute).catch(() => {
    throw new DataError(`no file at '${path}'`);
  });
  if (!inside(real, roots)) throw outside();
  return real;
}

/** The connection string of a named SQL source. */
export function sqlConnection(policy: SourcePolicy, name: string): string {
  const url = policy.sqlConnections[name];
  if (url === undefined) {
    const known = Object.keys(policy.sqlConnections);
    throw new ConfigError(`no SQL connection named '${name}' (declared: ${known.join(', ') || 'none'}; declare them in CAIRN_SQL_CONNECTIONS)`);
  }
  return url;
}
