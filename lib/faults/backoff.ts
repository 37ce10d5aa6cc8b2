/**
 * Wait before trying again after a dependency did not answer: 1 s, doubling, at most 30 s. Pure, so
 * the workflow (re-running a step lost to infrastructure) and processes (waiting for the store at
 * start) share it.
 */
export function infrastructureBackoffMs(triesSoFar: number): number {
  return Math.min(30_000, 1_000 * 2 ** Math.min(triesSoFar, 10));
}
