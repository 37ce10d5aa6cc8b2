import { describe, expect, it } from 'vitest';
import { rollbackTarget } from '../../lib/registry/rollbackTarget';

// Promised (README, runbook): `cairn rollback` moves the alias back to the version it served before
// the deploy that brought the current one, and a second rollback goes one deploy further back; it
// never returns to a version a rollback left. Histories are written oldest first here, as an
// operator would tell them: d = a deploy (a move, a weight change), r = a rollback to that version.
const history = (...moves: string[]) => moves.map((m) => ({ version: Number(m.slice(1)), rollback: m.startsWith('r') })).toReversed();

describe('the version a rollback returns to', () => {
  it.each([
    [['d1'], undefined],
    [['d1', 'd2'], 1],
    [['d1', 'd2', 'd3'], 2],
    [['d1', 'd2', 'd3', 'r2'], 1],
    [['d1', 'd2', 'd3', 'r2', 'r1'], undefined],
    [['d1', 'd2', 'r1'], undefined],
    [['d1', 'd2', 'r1', 'd3'], 1],
    [['d1', 'd2', 'r1', 'd2'], 1],
    // The same version moved again (a canary's weight changed): not a new deploy.
    [['d1', 'd2', 'd2', 'd2'], 1],
    // Back to an older version by a deploy: a rollback undoes that deploy.
    [['d1', 'd2', 'd3', 'd1'], 3],
    [['d1', 'd2', 'd3', 'd1', 'r3'], 2],
    // Moves recorded before rollbacks were marked read as deploys.
    [['d1', 'd2', 'd1'], 2],
  ])('%j -> %s', (moves, expected) => {
    expect(rollbackTarget(history(...moves))).toBe(expected);
  });
});
