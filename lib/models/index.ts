/**
 * Models from a training step of your own (`@cairn-ml/cairn/models`): Cairn's trainers, and the two
 * ways a model enters the registry: a Cairn model document, or an ONNX graph with its manifest.
 * A step returns the stored reference as `model`, with `dataset` and `split`, and the built-in
 * `evaluate`, `register` and `deploy` stages, serving and drift take it from there.
 */
export { MODEL_MEDIA_TYPE, storeModel } from './storeModel';
export { ONNX_MEDIA_TYPE, storeOnnxModel, type OnnxModelDescription } from './storeOnnxModel';
export { trainModel } from './trainModel';
export type { TrainResult } from '../ml/trainModel';
export type { ModelDocument } from '../ml/model';
export type { OnnxManifest } from '../ml/onnxManifest';
export type { ArtifactRef } from '../artifacts/artifactRef';
