import type { ArtifactRef } from '../artifacts/artifactRef';
import { refOfBytes, type ArtifactStore } from '../artifacts/artifactStore';
import { describeIssuesText } from '../dsl/compile';
import { ConfigError, OnnxRuntimeMissingError } from '../errors';
import { OnnxManifestSchema, type OnnxManifest } from '../ml/onnxManifest';
import { loadOnnxModel } from '../ml/onnxModel';
import { MODEL_MEDIA_TYPE } from './storeModel';

export const ONNX_MEDIA_TYPE = 'application/vnd.onnx';

/** What the ONNX graph alone does not say: the task, the columns it reads and the outputs to read. */
export interface OnnxModelDescription {
  task: 'classification' | 'regression';
  /** The column it predicts, as the training data names it. */
  target: string;
  /** In order; `input` is the graph input the feature feeds (default: its name), shape [rows, 1]. */
  features: { name: string; kind: 'numeric' | 'categorical'; input?: string }[];
  /** Classification: the class labels, in the order of the probabilities output's columns. */
  labels?: (string | number | boolean)[];
  /** What trained it, e.g. `pytorch:MLP` (shown in the registry and the model card). */
  algorithm: string;
  hyperparameters?: Record<string, unknown>;
  /** Instead of one input per feature: every feature, in order, as one float matrix [rows, features]. */
  matrixInput?: string;
  /** The output holding the class probabilities (default `probabilities`) or the predicted value (default `variable`). */
  outputs?: { probabilities?: string; value?: string };
}

/**
 * Stores an ONNX model made anywhere (PyTorch, XGBoost, LightGBM or scikit-learn exporters, a file
 * another team trained) with the manifest Cairn serves it by, and returns the manifest's reference:
 * a step returns it as `model`, with `dataset` and `split`, and `evaluate`, `register`, `deploy`,
 * serving and drift treat it like Cairn's own models. The TypeScript twin of the Python package's
 * `save_onnx_model`, writing the same manifest. Where onnxruntime-node is installed, the graph is
 * opened here and checked against the description (every input fed, each with a type its features
 * fit), so a misnamed input fails this step, not the evaluation after it.
 */
export async function storeOnnxModel(artifacts: Pick<ArtifactStore, 'put'>, onnx: Uint8Array, description: OnnxModelDescription): Promise<ArtifactRef> {
  const { task, target, features, labels = [], algorithm, hyperparameters = {}, matrixInput, outputs = {} } = description;
  const candidate = {
    formatVersion: 1,
    format: 'onnx',
    // The graph's reference as the store will name it, so nothing is stored before the whole manifest is checked.
    onnx: refOfBytes(onnx, ONNX_MEDIA_TYPE),
    algorithm,
    task,
    target,
    features: (features ?? []).map((f) => ({ name: f.name, kind: f.kind, input: f.input ?? f.name })),
    labels: labels.map((label) => String(label)),
    outputs: task === 'classification' ? { probabilities: outputs.probabilities ?? 'probabilities' } : { value: outputs.value ?? 'variable' },
    hyperparameters,
    ...(matrixInput ? { matrixInput } : {}),
  };
  const checked = OnnxManifestSchema.safeParse(candidate);
  if (!checked.success) throw new ConfigError(`storeOnnxModel: ${describeIssuesText(checked.error)}`);
  try {
    await loadOnnxModel(checked.data, onnx);
  } catch (error) {
    if (!(error instanceof OnnxRuntimeMissingError)) throw error;
  }
  const manifest: OnnxManifest = { ...checked.data, onnx: await artifacts.put(onnx, ONNX_MEDIA_TYPE) };
  return artifacts.put(Buffer.from(JSON.stringify(manifest)), MODEL_MEDIA_TYPE);
}
