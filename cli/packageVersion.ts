import { readFileSync } from 'node:fs';

/** The version in package.json, read without importing anything else (so --version works whatever the environment holds). */
export function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
