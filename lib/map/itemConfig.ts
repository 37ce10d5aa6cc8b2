import { ConfigError } from '../errors';
import type { StepInput } from '../dsl/stepIo';

/**
 * The config a step runs with: its own, or for an item of a map declared `as: 'config'` the item (an
 * object) merged over it. The API's signature covers the config alone, so workers check it first.
 */
export function configWithItem(input: Pick<StepInput, 'run' | 'config' | 'item'>): StepInput['config'] {
  if (input.item?.as !== 'config') return input.config;
  const value = input.item.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`step '${input.run.step}': map item ${input.item.index} is merged over the config (as: 'config'), so it must be an object; got ${JSON.stringify(value)?.slice(0, 80)}`);
  }
  return { ...input.config, ...value };
}
