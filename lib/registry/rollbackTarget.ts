import type { AliasMove } from './aliases'; // a type only: no import cycle at run time

/**
 * The versions an alias served, oldest first, as a stack of deploys: a move to a new version pushes
 * it, a rollback pops back to the version it returned to, a weight-only move changes nothing. What
 * a rollback returns to is the entry below the top.
 */
function deployStack(historyOldestFirst: Pick<AliasMove, 'version' | 'rollback'>[]): number[] {
  const stack: number[] = [];
  for (const move of historyOldestFirst) {
    if (move.rollback) {
      while (stack.length > 0 && stack.at(-1) !== move.version) stack.pop();
      if (stack.length === 0) stack.push(move.version);
    } else if (stack.at(-1) !== move.version) {
      stack.push(move.version);
    }
  }
  return stack;
}

/** The version a rollback of this history (newest first, as aliasHistory lists it) returns to, if any. */
export function rollbackTarget(historyNewestFirst: Pick<AliasMove, 'version' | 'rollback'>[]): number | undefined {
  return deployStack(historyNewestFirst.toReversed()).at(-2);
}
