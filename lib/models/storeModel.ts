import type { ArtifactRef } from '../artifacts/artifactRef';
import type { ArtifactStore } from '../artifacts/artifactStore';
import { describeIssuesText } from '../dsl/compile';
import { ConfigError } from '../errors';
import { ModelDocumentSchema, type ModelDocument } from '../ml/model';

/** The media type of what a step returns as `model` and `register` records: a Cairn model document, or an ONNX model's manifest. */
export const MODEL_MEDIA_TYPE = 'application/vnd.cairn.model+json';

/**
 * Stores a Cairn model document (what `trainModel` returns as `model`) and returns its reference,
 * which a training step returns as `model`, with `dataset` and `split`, for `evaluate` and `register`.
 * A document that is not one is refused here, naming the field, rather than when it is evaluated.
 */
export async function storeModel(artifacts: Pick<ArtifactStore, 'put'>, model: ModelDocument): Promise<ArtifactRef> {
  const parsed = ModelDocumentSchema.safeParse(model);
  if (!parsed.success) throw new ConfigError(`not a Cairn model document: ${describeIssuesText(parsed.error)}`);
  return artifacts.put(Buffer.from(JSON.stringify(model)), MODEL_MEDIA_TYPE);
}
