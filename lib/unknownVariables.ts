import { ConfigSchema, givenVariableNames } from './config';

/**
 * CAIRN_ variables that other parts of Cairn read, not this process: the Python worker, the compose
 * file and its images, the deploy healthcheck, the tests. Set, they are not typos.
 */
const READ_ELSEWHERE = [
  'CAIRN_PYTHON_MAX_STEPS',
  'CAIRN_WORKER_DRAIN_SECONDS',
  'CAIRN_PYTHON_MODULE',
  'CAIRN_API_PORT',
  'CAIRN_METRICS_KEY',
  'CAIRN_ADMIN_KEY',
  'CAIRN_HEALTH_URL',
  'CAIRN_IMAGE',
  'CAIRN_PYTHON_IMAGE',
  'CAIRN_TEMPORAL_IMAGE',
  'CAIRN_POSTGRES_IMAGE',
  'CAIRN_PROMETHEUS_IMAGE',
  'CAIRN_TEST_DATABASE_URL',
];

const KNOWN = new Set([...Object.keys(ConfigSchema.shape), ...READ_ELSEWHERE]);

/** Edit distance (insertions, deletions, substitutions): two short names, so the plain dynamic programme. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/** The settings a mistyped name most likely meant: the nearest within a quarter of its length (2 edits for short names), at most two. */
function nearest(name: string): string[] {
  const scored = [...KNOWN].map((known) => ({ known, d: distance(name, known) })).filter((s) => s.d <= Math.max(2, Math.floor(name.length / 4)));
  const best = Math.min(...scored.map((s) => s.d));
  return scored.filter((s) => s.d === best).map((s) => s.known).sort().slice(0, 2);
}

/**
 * One line for each CAIRN_ variable among `names` (those set) that Cairn does not read, with the setting it may have
 * meant: a misspelt CAIRN_SPEC_SECRETS or CAIRN_DATA_ROOT was silently ignored, and the process ran on
 * the default the user meant to change.
 */
export function unknownVariables(names: readonly string[]): string[] {
  return names
    .filter((name) => name.startsWith('CAIRN_') && !KNOWN.has(name))
    .sort()
    .map((name) => {
      const meant = nearest(name);
      return `${name} is not a variable Cairn reads${meant.length > 0 ? ` (did you mean ${meant.join(' or ')}?)` : ''}; it has no effect`;
    });
}

let warned = false;

/** Says each unknown variable once per process, through whichever entry point (the CLI, a server's logger) asks first. */
export function warnUnknownVariablesOnce(warn: (line: string) => void): void {
  if (warned) return;
  warned = true;
  for (const line of unknownVariables(givenVariableNames())) warn(line);
}
