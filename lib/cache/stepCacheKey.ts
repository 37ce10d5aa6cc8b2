import { canonicalJson, sha256Hex } from '../canonicalJson';
import { stepCodeVersion } from '../codeVersion';
import type { AnyStepFunction } from '../dsl/defineStep';
import type { JsonObject, JsonValue } from '../dsl/spec';
import { isStageName } from '../stages';

/** Bumped when what goes into a key changes, so no entry written before can be hit by mistake. */
const KEY_FORMAT = 1;

export interface StepCacheKeyParts {
  step: AnyStepFunction;
  config: JsonObject;
  /** The upstream outputs as they travel (large ones as content-addressed references). */
  upstream: Record<string, JsonValue | null>;
  params: JsonObject;
  /** The step's fingerprint of the data it reads, when it declares one. */
  fingerprint: JsonValue | undefined;
  /** For an item of a map: the item (its index and value), which the output depends on as much as the config. */
  item?: JsonValue;
}

/**
 * The step cache's key: sha256 over everything the step's output may depend on. A built-in stage
 * reads only its config and upstream outputs; a step of your own also sees the run's params, so
 * they are part of its key (a step that reads the clock or `run.logicalDate` must not be cached).
 */
export function stepCacheKey(parts: StepCacheKeyParts): string {
  const { step, config, upstream, params, fingerprint, item } = parts;
  return sha256Hex(
    canonicalJson({
      format: KEY_FORMAT,
      activity: step.name,
      code: stepCodeVersion(step),
      config,
      upstream,
      ...(isStageName(step.name) ? {} : { params }),
      ...(fingerprint === undefined ? {} : { fingerprint }),
      ...(item === undefined ? {} : { item }),
    }),
  );
}
