import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ArtifactStore } from '../../lib/artifacts/artifactStore';
import { OnnxRuntimeMissingError } from '../../lib/errors';
import { loadModel } from '../../lib/ml/servableModel';
import { storeModel, storeOnnxModel } from '../../lib/models';
import { toHttpError } from '../../server/httpErrors';

// onnxruntime-node is optional: where npm left it out, Cairn still serves its own models, and an ONNX
// model says what to install (the API: 501) instead of crashing. Simulated by a module that fails to load.
vi.mock('onnxruntime-node', () => {
  throw new Error("Cannot find module 'onnxruntime-node'");
});

const manifest = (onnx: object) => ({
  formatVersion: 1,
  format: 'onnx',
  onnx,
  algorithm: 'sklearn:LogisticRegression',
  task: 'classification',
  target: 'y',
  features: [{ name: 'x', kind: 'numeric', input: 'x' }],
  labels: ['a', 'b'],
  outputs: { probabilities: 'probabilities' },
  hyperparameters: {},
});

describe('an ONNX model where onnxruntime-node is not installed', () => {
  it('names what to install, and the API answers 501 rather than failing the request as a server error', async () => {
    const artifacts = new ArtifactStore(join(mkdtempSync(join(tmpdir(), 'cairn-ort-')), 'artifacts'));
    const onnx = await artifacts.put(Buffer.from('not really a graph'), 'application/vnd.onnx');
    const ref = await artifacts.put(Buffer.from(JSON.stringify(manifest(onnx))), 'application/vnd.cairn.model+json');
    const error = await loadModel(artifacts, ref).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OnnxRuntimeMissingError);
    expect((error as Error).message).toContain('ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node');
    // A ConfigError by name, so a step that meets it goes to the operator without retries.
    expect((error as Error).name).toBe('ConfigError');
    expect(toHttpError(error)).toMatchObject({ status: 501, code: 'onnx_runtime_missing' });
  });

  it('still loads Cairn model documents, and refuses a manifest that breaks the format, naming the field', async () => {
    const artifacts = new ArtifactStore(join(mkdtempSync(join(tmpdir(), 'cairn-ort-')), 'artifacts'));
    const onnx = await artifacts.put(Buffer.from('graph'), 'application/vnd.onnx');
    const bad = await artifacts.put(Buffer.from(JSON.stringify({ ...manifest(onnx), labels: ['only-one'] })), 'application/vnd.cairn.model+json');
    await expect(loadModel(artifacts, bad)).rejects.toThrow(/not a valid ONNX model manifest: .*at least two labels/);
    const raw = await artifacts.put(Buffer.from([8, 7, 18, 4]), 'application/vnd.onnx');
    await expect(loadModel(artifacts, raw)).rejects.toThrow(/is not a model document or manifest \(an ONNX file is registered through its manifest/);
    const document = {
      formatVersion: 1,
      algorithm: 'logistic-regression',
      task: 'classification',
      target: 'y',
      features: [{ name: 'x', kind: 'numeric' }],
      preprocessing: { numeric: [{ name: 'x', mean: 0, std: 1 }], categorical: [] },
      weights: [[1], [-1]],
      bias: [0, 0],
      labels: ['a', 'b'],
      hyperparameters: {},
    };
    const model = await loadModel(artifacts, await artifacts.put(Buffer.from(JSON.stringify(document)), 'application/vnd.cairn.model+json'));
    expect(model.format).toBe('cairn');
    expect((await model.predict([{ x: 2 }, { x: -2 }])).map((p) => p.label)).toEqual(['a', 'b']);
  });

  it("a step's storeOnnxModel still stores a model whose description is whole (its graph is checked where the runtime is), and refuses one that is not", async () => {
    const artifacts = new ArtifactStore(join(mkdtempSync(join(tmpdir(), 'cairn-ort-')), 'artifacts'));
    const graph = Buffer.from('a graph made elsewhere');
    const description = { task: 'classification' as const, target: 'y', features: [{ name: 'x', kind: 'numeric' as const }], labels: [0, 1], algorithm: 'pytorch:MLP' };
    const ref = await storeOnnxModel(artifacts, graph, description);
    const stored = JSON.parse((await artifacts.read(ref)).toString('utf8'));
    // As save_onnx_model writes it: inputs default to the feature names, labels as text, the default output names.
    expect(stored).toMatchObject({ format: 'onnx', features: [{ name: 'x', kind: 'numeric', input: 'x' }], labels: ['0', '1'], outputs: { probabilities: 'probabilities' }, hyperparameters: {} });
    expect((await artifacts.read(stored.onnx)).equals(graph)).toBe(true);
    await expect(storeOnnxModel(artifacts, graph, { ...description, features: [] })).rejects.toThrow(/storeOnnxModel: features: Too small/);
    await expect(storeOnnxModel(artifacts, graph, { ...description, task: 'regression', matrixInput: 'x', features: [{ name: 'c', kind: 'categorical' }] })).rejects.toThrow(/a matrix input takes numeric features only/);
    await expect(storeModel(artifacts, { formatVersion: 1, task: 'classification' } as never)).rejects.toThrow(/not a Cairn model document: .*missing/);
  });
});
