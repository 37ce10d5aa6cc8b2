import type * as OnnxRuntimeModule from 'onnxruntime-node';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { DataError, OnnxRuntimeMissingError } from '../errors';
import type { OnnxManifest } from './onnxManifest';
import type { Prediction } from './servableModel';

type OnnxRuntime = typeof OnnxRuntimeModule;

let runtime: Promise<OnnxRuntime> | undefined;

/**
 * onnxruntime-node, loaded the first time an ONNX model is: it is an optional dependency (290 MB, and
 * its install script downloads GPU add-ons unless told not to), so Cairn runs without it and says what
 * to install when an ONNX model is deployed or evaluated.
 */
function onnxRuntime(): Promise<OnnxRuntime> {
  runtime ??= import('onnxruntime-node').then(
    (module) => ((module as { default?: OnnxRuntime }).default ?? module) as OnnxRuntime,
    () => {
      runtime = undefined;
      throw new OnnxRuntimeMissingError('this model is in ONNX, and onnxruntime-node is not installed: run `ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node` where Cairn runs (the API and the evaluate and drift workers)');
    },
  );
  return runtime;
}

type ElementType = 'float32' | 'float64' | 'int64' | 'int32' | 'string';
const ELEMENT_TYPES: readonly string[] = ['float32', 'float64', 'int64', 'int32', 'string'];

interface Feed {
  input: string;
  type: ElementType;
  /** The features it takes, in order: one for a per-feature input, all of them for a matrix input. */
  features: OnnxManifest['features'];
}

/** The graph inputs the manifest feeds, checked against the graph: every input fed, each with a type its features fit. */
function feedsOf(manifest: OnnxManifest, session: InferenceSession): Feed[] {
  const metadata = new Map(session.inputMetadata.map((m) => [m.name, m]));
  const typeOf = (input: string): ElementType => {
    const meta = metadata.get(input);
    if (!meta) throw new DataError(`the ONNX graph has no input '${input}' (its inputs: ${session.inputNames.join(', ')})`);
    if (!meta.isTensor || !ELEMENT_TYPES.includes(meta.type)) throw new DataError(`ONNX input '${input}' is ${meta.isTensor ? meta.type : 'not a tensor'}: Cairn feeds float, double, int32, int64 and string tensors`);
    return meta.type as ElementType;
  };
  const feeds: Feed[] = manifest.matrixInput
    ? [{ input: manifest.matrixInput, type: typeOf(manifest.matrixInput), features: manifest.features }]
    : manifest.features.map((feature) => ({ input: feature.input, type: typeOf(feature.input), features: [feature] }));
  for (const feed of feeds) {
    const mismatch = feed.features.find((f) => (f.kind === 'categorical') !== (feed.type === 'string'));
    if (mismatch) throw new DataError(`feature '${mismatch.name}' is ${mismatch.kind}, and ONNX input '${feed.input}' takes ${feed.type}`);
  }
  const unfed = session.inputNames.filter((name) => !feeds.some((f) => f.input === name));
  if (unfed.length > 0) throw new DataError(`the manifest feeds no feature to ONNX input(s) ${unfed.join(', ')}`);
  return feeds;
}

/** One feed's tensor for the rows: missing numbers as NaN, missing text as '' (as prepare_features trains). */
function tensorFor(ort: OnnxRuntime, feed: Feed, rows: Record<string, unknown>[]): Tensor {
  const width = feed.features.length;
  const dims = [rows.length, width];
  if (feed.type === 'string') {
    const name = (feed.features[0] as OnnxManifest['features'][number]).name;
    return new ort.Tensor('string', rows.map((row) => (row[name] === null || row[name] === undefined ? '' : String(row[name]))), dims);
  }
  if (feed.type === 'int64' || feed.type === 'int32') {
    const missing = feed.features.find(({ name }) => rows.some((row) => typeof row[name] !== 'number'));
    if (missing) throw new DataError(`feature '${missing.name}' has a missing value, and ONNX input '${feed.input}' is ${feed.type}, which cannot hold one`);
  }
  // Filled in the input's own element type: one array per feed and request, no copy.
  const cell = (r: number, c: number) => rows[r]?.[(feed.features[c] as OnnxManifest['features'][number]).name];
  const size = rows.length * width;
  if (feed.type === 'int64') return new ort.Tensor('int64', BigInt64Array.from({ length: size }, (_, i) => BigInt(Math.round(cell(Math.floor(i / width), i % width) as number))), dims);
  const values = feed.type === 'float32' ? new Float32Array(size) : feed.type === 'float64' ? new Float64Array(size) : new Int32Array(size);
  for (let r = 0; r < rows.length; r++) {
    for (let c = 0; c < width; c++) {
      const value = cell(r, c);
      values[r * width + c] = typeof value === 'number' ? value : NaN;
    }
  }
  return new ort.Tensor(feed.type, values, dims);
}

/**
 * An ONNX model's predict(): a session over the graph (onnxruntime, CPU), fed by the manifest.
 * Classification reads the probabilities output ([rows, labels], in label order: convert with
 * skl2onnx's `zipmap: False`); regression reads the value output.
 */
export async function loadOnnxModel(manifest: OnnxManifest, graph: Uint8Array): Promise<(rows: Record<string, unknown>[]) => Promise<Prediction[]>> {
  const ort = await onnxRuntime();
  let session: InferenceSession;
  try {
    // One thread per run, and no spin-waiting between runs: a served row takes well under a millisecond,
    // and on a small machine a spinning pool would take the CPU the API and the workers need.
    session = await ort.InferenceSession.create(graph, { intraOpNumThreads: 1, interOpNumThreads: 1, extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } });
  } catch (error) {
    throw new DataError(`the ONNX graph ${manifest.onnx.uri} does not load: ${(error as Error).message}`);
  }
  const feeds = feedsOf(manifest, session);
  const output = (manifest.task === 'classification' ? manifest.outputs.probabilities : manifest.outputs.value) as string;
  const outputMeta = session.outputMetadata.find((m) => m.name === output);
  if (!outputMeta) throw new DataError(`the ONNX graph has no output '${output}' (its outputs: ${session.outputNames.join(', ')})`);
  if (!outputMeta.isTensor) {
    throw new DataError(`ONNX output '${output}' is not a tensor (a ZipMap of probabilities?): convert classifiers with skl2onnx options {'zipmap': False}`);
  }
  const labels = manifest.labels;
  return async (rows) => {
    if (rows.length === 0) return [];
    const inputs = Object.fromEntries(feeds.map((feed) => [feed.input, tensorFor(ort, feed, rows)]));
    const result = (await session.run(inputs, [output]))[output] as Tensor;
    const data = result.data as ArrayLike<number | bigint>;
    if (manifest.task === 'regression') return Array.from({ length: rows.length }, (_, r) => ({ value: Number(data[r]) }));
    const width = labels.length;
    if (data.length !== rows.length * width) throw new DataError(`ONNX output '${output}' has ${data.length / rows.length} columns per row for ${width} labels`);
    return Array.from({ length: rows.length }, (_, r) => {
      const probabilities = Array.from({ length: width }, (_, c) => Number(data[r * width + c]));
      let best = 0;
      for (let c = 1; c < width; c++) if ((probabilities[c] as number) > (probabilities[best] as number)) best = c;
      return { label: labels[best] as string, probabilities };
    });
  };
}
