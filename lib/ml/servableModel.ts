import type { ArtifactRef } from '../artifacts/artifactRef';
import type { ArtifactStore } from '../artifacts/artifactStore';
import { DataError } from '../errors';
import { ModelDocumentSchema, predictYielding, type ModelDocument } from './model';
import { loadOnnxModel } from './onnxModel';
import { OnnxManifestSchema, type OnnxManifest } from './onnxManifest';

export interface Prediction {
  label?: string;
  /** Classification: one per label, in the order of `labels`. */
  probabilities?: number[];
  value?: number;
}

/** What every part of Cairn needs to know of a registered model, whatever its format. */
export interface ModelDescription {
  /** 'cairn': Cairn's own JSON document (the built-in train stage); 'onnx': an ONNX graph with its manifest. */
  format: 'cairn' | 'onnx';
  algorithm: string;
  task: 'classification' | 'regression';
  target: string;
  features: { name: string; kind: 'numeric' | 'categorical' }[];
  labels: string[];
  hyperparameters: Record<string, unknown>;
  /** The artifacts the model consists of besides the one registered (an ONNX model's graph). */
  parts: ArtifactRef[];
}

/** A model that predicts: the same for serving, evaluation and drift, in any format. */
export interface ServableModel extends ModelDescription {
  predict(rows: Record<string, unknown>[]): Promise<Prediction[]>;
}

type StoredModel = { format: 'cairn'; document: ModelDocument } | { format: 'onnx'; manifest: OnnxManifest };

/** The registered artifact, read (hash-verified) and checked against its format. */
async function readStoredModel(artifacts: ArtifactStore, refOrUri: Pick<ArtifactRef, 'uri'> | string): Promise<StoredModel> {
  const uri = typeof refOrUri === 'string' ? refOrUri : refOrUri.uri;
  let json: unknown;
  try {
    json = JSON.parse((await artifacts.read(refOrUri)).toString('utf8'));
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`model ${uri} is not a model document or manifest (an ONNX file is registered through its manifest: save_onnx_model in Python, storeOnnxModel in TypeScript)`);
  }
  const isOnnx = typeof json === 'object' && json !== null && (json as { format?: unknown }).format === 'onnx';
  const parsed = isOnnx ? OnnxManifestSchema.safeParse(json) : ModelDocumentSchema.safeParse(json);
  if (!parsed.success) {
    throw new DataError(`model ${uri} is not a valid ${isOnnx ? 'ONNX model manifest' : 'Cairn model document'}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return isOnnx ? { format: 'onnx', manifest: parsed.data as OnnxManifest } : { format: 'cairn', document: parsed.data as ModelDocument };
}

function describe(stored: StoredModel): ModelDescription {
  if (stored.format === 'cairn') {
    const d = stored.document;
    return { format: 'cairn', algorithm: d.algorithm, task: d.task, target: d.target, features: d.features, labels: d.labels, hyperparameters: d.hyperparameters, parts: [] };
  }
  const m = stored.manifest;
  return { format: 'onnx', algorithm: m.algorithm, task: m.task, target: m.target, features: m.features.map(({ name, kind }) => ({ name, kind })), labels: m.labels, hyperparameters: m.hyperparameters, parts: [m.onnx] };
}

/** What a model is, without loading anything that predicts (register needs no ONNX runtime). */
export async function describeModel(artifacts: ArtifactStore, refOrUri: Pick<ArtifactRef, 'uri'> | string): Promise<ModelDescription> {
  return describe(await readStoredModel(artifacts, refOrUri));
}

/** A registered model, ready to predict: Cairn's documents in this process, ONNX graphs with onnxruntime. */
export async function loadModel(artifacts: ArtifactStore, refOrUri: Pick<ArtifactRef, 'uri'> | string): Promise<ServableModel> {
  const stored = await readStoredModel(artifacts, refOrUri);
  const description = describe(stored);
  if (stored.format === 'cairn') {
    const document = stored.document;
    return { ...description, predict: (rows) => predictYielding(document, rows) };
  }
  const onnx = await loadOnnxModel(stored.manifest, await artifacts.read(stored.manifest.onnx));
  return { ...description, predict: onnx };
}
