import { defineRegistry } from '../lib/dsl';
import { landingCheck } from './landingCheck';
import { quickstart } from './quickstart';

/** Every pipeline Cairn knows. Building it validates them all: a bad definition stops start-up. */
export const registry = defineRegistry({
  pipelines: [quickstart, landingCheck],
});
