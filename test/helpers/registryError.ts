import { defineRegistry } from '../../lib/dsl';

/** The message with which loading these pipelines fails (a test of definitions that must not load). */
export function registryError(pipelines: Parameters<typeof defineRegistry>[0]['pipelines']): string {
  try {
    defineRegistry({ pipelines });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the registry to reject the pipelines');
}
