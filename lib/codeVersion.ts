import { createRequire } from 'node:module';
import { sha256Hex } from './canonicalJson';
import type { AnyStepFunction } from './dsl/defineStep';

/** This build of Cairn, recorded in every model version's lineage. */
export const CODE_VERSION: string = `cairn@${(createRequire(import.meta.url)('../package.json') as { version: string }).version}`;

/**
 * A step's code as far as a worker can tell: Cairn's version, the step's declared `version`, and the
 * text of its `run` (a helper that `run` calls is not in its text: bump `version` when one changes
 * what the step returns). The step cache keys on it; experiments record it.
 */
export function stepCodeVersion(step: Pick<AnyStepFunction, 'version' | 'run'>): string {
  return sha256Hex(`${CODE_VERSION}\n${step.version ?? ''}\n${step.run.toString()}`);
}
