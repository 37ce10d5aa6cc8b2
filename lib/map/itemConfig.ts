import { ConfigError } from '../errors';
import type { StepInput } from '../dsl/stepIo';
import type { JsonObject, JsonValue } from '../dsl/spec';

/**
 * The config a step runs with: its own, or for an item of a map declared `as: 'config'` the item (an
 * object) merged over it. The API's signature covers the config alone, so workers check it first.
 */
export function configWithItem(input: Pick<StepInput, 'run' | 'config' | 'item'>): StepInput['config'] {
  if (input.item?.as !== 'config') return input.config;
  try {
    return mergeItemOverConfig(input.config, input.item.index, input.item.value);
  } catch (error) {
    throw new ConfigError(`step '${input.run.step}': ${(error as Error).message}`);
  }
}

/** An item merged over a config, shallowly; an item that is not an object is a ConfigError naming it. */
export function mergeItemOverConfig(config: JsonObject, index: number, value: JsonValue): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`map item ${index} is merged over the config (as: 'config'), so it must be an object; got ${JSON.stringify(value)?.slice(0, 80)}`);
  }
  return { ...config, ...value };
}
