import { parseDuration } from '../lib/dsl/duration';
import { CliError } from './cliError';

/**
 * Reads a time flag as ISO 8601: a date or time (2026-11-01, 2026-11-01T03:00:00Z), or, where
 * `durationBack` is allowed, a duration back from now (2h, 7d).
 */
export function parseTimeFlag(text: string, flag: string, options: { durationBack?: boolean; now?: number } = {}): string {
  const ms = options.durationBack ? parseDuration(text) : undefined;
  if (ms !== undefined) return new Date((options.now ?? Date.now()) - ms).toISOString();
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) {
    throw new CliError(`${flag} ${text}: expected ${options.durationBack ? 'a duration such as 2h or 7d, or ' : ''}a time such as 2026-11-01 or 2026-11-01T03:00:00Z`);
  }
  return at.toISOString();
}
