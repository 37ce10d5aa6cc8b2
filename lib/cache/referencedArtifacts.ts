import { ArtifactRefSchema } from '../artifacts/artifactRef';
import type { ArtifactStore } from '../artifacts/artifactStore';
import { isOutputRef } from '../artifacts/outputRef';
import type { JsonValue } from '../dsl/spec';

/** Every artifact an output refers to, by URI: artifact references and offloaded large outputs, at any depth. */
export function referencedArtifacts(output: JsonValue | null): string[] {
  const uris = new Set<string>();
  const visit = (value: JsonValue | null): void => {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (isOutputRef(value)) uris.add(value.$cairnOutput);
    else if (ArtifactRefSchema.safeParse(value).success) uris.add((value as { uri: string }).uri);
    for (const item of Object.values(value)) visit(item);
  };
  visit(output);
  return [...uris];
}

/**
 * Why a cached output cannot be used, or undefined when every artifact it refers to is in the store
 * and still hashes to its name (each is read whole: a cache hit never hands a step a missing or
 * corrupt file).
 */
export async function unusableBecause(output: JsonValue | null, artifacts: ArtifactStore): Promise<string | undefined> {
  for (const uri of referencedArtifacts(output)) {
    try {
      await artifacts.verifiedPath(uri);
    } catch (error) {
      return (error as Error).message;
    }
  }
  return undefined;
}
