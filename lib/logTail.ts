import { readFileSync } from 'node:fs';

/** The end of a child process's log file, to quote in an error when it died: at most `bytes` of it. */
export function logTail(path: string, bytes = 4096): string {
  try {
    return readFileSync(path, 'utf8').slice(-bytes).trim() || '(no output)';
  } catch {
    return '(no output)';
  }
}
