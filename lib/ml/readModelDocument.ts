import type { ArtifactRef } from '../artifacts/artifactRef';
import type { ArtifactStore } from '../artifacts/artifactStore';
import { ModelDocumentSchema, type ModelDocument } from './model';

/** A stored model document, hash-verified by the store and checked against the model format. */
export async function readModelDocument(artifacts: ArtifactStore, refOrUri: Pick<ArtifactRef, 'uri'> | string): Promise<ModelDocument> {
  return ModelDocumentSchema.parse(JSON.parse((await artifacts.read(refOrUri)).toString()));
}
