/**
 * Gradient-boosted decision trees (second order, as XGBoost, LightGBM and scikit-learn's
 * HistGradientBoosting do it): each round fits one regression tree per class to the softmax loss's
 * gradients and hessians over quantile-binned inputs, with L2 on leaf values and a minimum hessian
 * per leaf. Written here because the WASM xgboost build offers no pure-JS inference for serving and
 * ml-cart is far too slow (PACKAGES.md).
 *
 * Where the time goes, and what keeps it low (the peers' techniques): inputs are binned once into a
 * matrix of histogram offsets; a node's rows are a slice of one index array, partitioned stably when it splits (no
 * per-node arrays, and rows stay in ascending order); a node's histograms are built row by row (a row's bins are contiguous, and every
 * feature's histogram stays in cache); of two children only the smaller's histograms are built, the
 * larger's are the parent's minus the smaller's; a leaf adds its value to its own rows' scores, and
 * the last split before the maximum depth adds its two leaves' values without partitioning its rows.
 */

import { yieldToEventLoop } from '../progress';

export interface TreeNode {
  /** Split feature (encoded input index) and threshold: go left when x <= threshold. Leaves have feature -1. */
  feature: number;
  threshold: number;
  left: number;
  right: number;
  value: number;
}

export interface BoostedTrees {
  /** trees[round][class] */
  trees: TreeNode[][][];
  baseScores: number[];
  learningRate: number;
}

export interface BoostingOptions {
  rounds: number;
  learningRate: number;
  maxDepth: number;
  l2: number;
  minChildWeight: number;
  bins: number;
  /** After each round, with the training loss as last measured (every tenth round). */
  onRound?: (round: number, loss: number) => void;
}

/** Quantile bin edges per feature: at most `bins - 1` distinct cuts, each the midpoint of the two values around its quantile (scikit-learn's binning; 0.1 points of holdout accuracy over cutting at a value). */
async function binEdges(x: Float64Array, rows: number, features: number, bins: number): Promise<Float64Array[]> {
  const edges: Float64Array[] = [];
  const values = new Float64Array(rows);
  for (let f = 0; f < features; f++) {
    for (let r = 0; r < rows; r++) values[r] = x[r * features + f] as number;
    values.sort();
    const cuts: number[] = [];
    for (let b = 1; b < bins; b++) {
      const position = (b * (rows - 1)) / bins;
      const v = ((values[Math.floor(position)] as number) + (values[Math.ceil(position)] as number)) / 2;
      if (cuts.length === 0 || v > (cuts[cuts.length - 1] as number)) cuts.push(v);
    }
    // Drop a cut at the maximum: nothing would go right of it.
    if (cuts.length && cuts[cuts.length - 1] === values[rows - 1]) cuts.pop();
    edges.push(Float64Array.from(cuts));
    await yieldToEventLoop();
  }
  return edges;
}

function binOf(edges: Float64Array, value: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (value <= (edges[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * The inputs binned, row by row, each cell holding where its bin's (gradient, hessian) pair sits in a
 * node's histogram (feature * stride * 2 + bin * 2): the histogram pass adds at that offset directly.
 */
async function binOffsets(x: Float64Array, rows: number, features: number, edges: Float64Array[], stride: number): Promise<{ offsets: Uint16Array | Uint32Array; columns: Uint8Array | Uint16Array }> {
  const offsets = features * stride * 2 <= 0xffff ? new Uint16Array(rows * features) : new Uint32Array(rows * features);
  // The same bins column by column: a split partitions its rows by one feature, read from one column.
  const columns = stride <= 256 ? new Uint8Array(rows * features) : new Uint16Array(rows * features);
  for (let f = 0; f < features; f++) {
    const e = edges[f] as Float64Array;
    const base = f * stride * 2;
    for (let r = 0; r < rows; r++) {
      const bin = binOf(e, x[r * features + f] as number);
      offsets[r * features + f] = base + 2 * bin;
      columns[f * rows + r] = bin;
    }
    await yieldToEventLoop();
  }
  return { offsets, columns };
}

/**
 * Adds the rows order[start..end) to a histogram. Row by row: a row's cells are contiguous, and the
 * histograms of all features (a few KB) stay in cache. Four features per step: fewer loop
 * iterations, and the updates are independent.
 */
function addRowsToHistogram(histogram: Float64Array, order: Int32Array, start: number, end: number, offsets: Uint16Array | Uint32Array, features: number, grad: Float64Array, hess: Float64Array): void {
  const quads = features - (features % 4);
  for (let i = start; i < end; i++) {
    const r = order[i] as number;
    const g = grad[r] as number;
    const h = hess[r] as number;
    const row = r * features;
    let f = 0;
    for (; f < quads; f += 4) {
      const a = offsets[row + f] as number;
      const b = offsets[row + f + 1] as number;
      const c = offsets[row + f + 2] as number;
      const d = offsets[row + f + 3] as number;
      histogram[a] = (histogram[a] as number) + g;
      histogram[a + 1] = (histogram[a + 1] as number) + h;
      histogram[b] = (histogram[b] as number) + g;
      histogram[b + 1] = (histogram[b + 1] as number) + h;
      histogram[c] = (histogram[c] as number) + g;
      histogram[c + 1] = (histogram[c + 1] as number) + h;
      histogram[d] = (histogram[d] as number) + g;
      histogram[d + 1] = (histogram[d + 1] as number) + h;
    }
    for (; f < features; f++) {
      const a = offsets[row + f] as number;
      histogram[a] = (histogram[a] as number) + g;
      histogram[a + 1] = (histogram[a + 1] as number) + h;
    }
  }
}

/**
 * Partitions order[start..end) stably: rows whose bin is <= `bin` go left, the others through
 * `scratch` to the right. A node's rows stay in ascending order, so every pass over them
 * (histograms, partitions) reads the row-major bins and the gradients front to back. Returns where
 * the right part starts.
 */
function partitionRows(order: Int32Array, scratch: Int32Array, start: number, end: number, column: Uint8Array | Uint16Array, bin: number): number {
  let middle = start;
  let rightCount = 0;
  for (let i = start; i < end; i++) {
    const r = order[i] as number;
    if ((column[r] as number) <= bin) order[middle++] = r;
    else scratch[rightCount++] = r;
  }
  order.set(scratch.subarray(0, rightCount), middle);
  return middle;
}

/** `from` minus `amount`, in place. */
function subtractInPlace(from: Float64Array, amount: Float64Array): void {
  for (let i = 0; i < from.length; i++) from[i] = (from[i] as number) - (amount[i] as number);
}

interface Split {
  gain: number;
  feature: number;
  bin: number;
}

/** One tree's growth over shared buffers; `grow` returns the tree's nodes. */
class TreeGrower {
  /** Row indices; a node owns the slice [start, end). */
  private readonly order: Int32Array;
  /** Where a partition puts the right child's rows before they are copied back. */
  private readonly scratch: Int32Array;
  /** Histogram size: per feature `stride` bins of (gradient, hessian). */
  private readonly histogramLength: number;
  private readonly spare: Float64Array[] = [];
  nodes: TreeNode[] = [];

  constructor(
    private readonly offsets: Uint16Array | Uint32Array,
    private readonly columns: Uint8Array | Uint16Array,
    private readonly rows: number,
    private readonly features: number,
    private readonly edges: Float64Array[],
    private readonly stride: number,
    private readonly options: BoostingOptions,
  ) {
    this.order = new Int32Array(rows);
    this.scratch = new Int32Array(rows);
    this.histogramLength = features * stride * 2;
  }

  /** Grows a tree for these gradients, adding each leaf's value to its rows' scores of the tree's class. */
  grow(grad: Float64Array, hess: Float64Array, scores: ClassScores): TreeNode[] {
    this.nodes = [];
    fillWithIndices(this.order);
    const root = this.options.maxDepth > 0 ? this.histogram(0, this.rows, grad, hess) : undefined;
    this.node(0, this.rows, sum(grad), sum(hess), 0, root, grad, hess, scores);
    return this.nodes;
  }

  private take(): Float64Array {
    const histogram = this.spare.pop();
    if (!histogram) return new Float64Array(this.histogramLength);
    histogram.fill(0);
    return histogram;
  }

  /** Gradient and hessian sums per (feature, bin) over the rows of a slice. */
  private histogram(start: number, end: number, grad: Float64Array, hess: Float64Array): Float64Array {
    const histogram = this.take();
    addRowsToHistogram(histogram, this.order, start, end, this.offsets, this.features, grad, hess);
    return histogram;
  }

  private bestSplit(histogram: Float64Array, g: number, h: number): Split {
    const { l2, minChildWeight } = this.options;
    const parentGain = (g * g) / (h + l2);
    const best: Split = { gain: 1e-9, feature: -1, bin: -1 };
    for (let f = 0; f < this.features; f++) {
      const bins = (this.edges[f] as Float64Array).length + 1;
      if (bins < 2) continue;
      const base = f * this.stride * 2;
      let gl = 0;
      let hl = 0;
      for (let b = 0; b < bins - 1; b++) {
        gl += histogram[base + 2 * b] as number;
        hl += histogram[base + 2 * b + 1] as number;
        const hr = h - hl;
        if (hl < minChildWeight || hr < minChildWeight) continue;
        const gr = g - gl;
        const gain = (gl * gl) / (hl + l2) + (gr * gr) / (hr + l2) - parentGain;
        if (gain > best.gain) {
          best.gain = gain;
          best.feature = f;
          best.bin = b;
        }
      }
    }
    return best;
  }

  /** Grows the node over order[start..end); `histogram` is its (gradient, hessian) histogram, absent where the node cannot split. */
  /** A leaf node with the value its sums give. */
  private leaf(g: number, h: number): number {
    this.nodes.push({ feature: -1, threshold: 0, left: -1, right: -1, value: (-g / (h + this.options.l2)) * this.options.learningRate });
    return this.nodes.length - 1;
  }

  private node(start: number, end: number, g: number, h: number, depth: number, histogram: Float64Array | undefined, grad: Float64Array, hess: Float64Array, scores: ClassScores): number {
    const { options } = this;
    const index = this.leaf(g, h);
    const split = histogram && h >= 2 * options.minChildWeight ? this.bestSplit(histogram, g, h) : undefined;
    if (!histogram || !split || split.feature < 0) {
      if (histogram) this.spare.push(histogram);
      addToScores(scores, this.order, start, end, (this.nodes[index] as TreeNode).value);
      return index;
    }
    const column = this.columns.subarray(split.feature * this.rows, (split.feature + 1) * this.rows);
    // The left child's sums come from the histogram; the right's by subtraction.
    const base = split.feature * this.stride * 2;
    let gl = 0;
    let hl = 0;
    for (let b = 0; b <= split.bin; b++) {
      gl += histogram[base + 2 * b] as number;
      hl += histogram[base + 2 * b + 1] as number;
    }
    const node = this.nodes[index] as TreeNode;
    node.feature = split.feature;
    node.threshold = (this.edges[split.feature] as Float64Array)[split.bin] as number;
    if (depth + 1 >= options.maxDepth) {
      // Both children are leaves at the maximum depth: each row's score takes its side's value in one
      // pass, and the rows are never partitioned.
      this.spare.push(histogram);
      node.left = this.leaf(gl, hl);
      node.right = this.leaf(g - gl, h - hl);
      addSidesToScores(scores, this.order, start, end, column, split.bin, (this.nodes[node.left] as TreeNode).value, (this.nodes[node.right] as TreeNode).value);
      return index;
    }
    const middle = partitionRows(this.order, this.scratch, start, end, column, split.bin);
    // Build the smaller child's histogram, derive the larger's as the parent's minus it.
    const leftIsSmaller = middle - start <= end - middle;
    const smaller = leftIsSmaller ? this.histogram(start, middle, grad, hess) : this.histogram(middle, end, grad, hess);
    subtractInPlace(histogram, smaller);
    const [leftHistogram, rightHistogram] = leftIsSmaller ? [smaller, histogram] : [histogram, smaller];
    node.left = this.node(start, middle, gl, hl, depth + 1, leftHistogram, grad, hess, scores);
    node.right = this.node(middle, end, g - gl, h - hl, depth + 1, rightHistogram, grad, hess, scores);
    return index;
  }
}

// The hot loops, each a small function of its own over typed arrays: easy to read, to profile
// (each shows up by name) and to optimize for V8, which compiles each for the one shape it sees.

function fillWithIndices(order: Int32Array): void {
  for (let r = 0; r < order.length; r++) order[r] = r;
}

function sum(values: Float64Array): number {
  let total = 0;
  for (let r = 0; r < values.length; r++) total += values[r] as number;
  return total;
}

/** Each row's class probabilities from its scores (row-major, `classes` per row). */
function softmax(scores: Float64Array, probabilities: Float64Array, classes: number): void {
  for (let at = 0; at < scores.length; at += classes) {
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < classes; c++) max = Math.max(max, scores[at + c] as number);
    let total = 0;
    for (let c = 0; c < classes; c++) total += probabilities[at + c] = Math.exp((scores[at + c] as number) - max);
    for (let c = 0; c < classes; c++) probabilities[at + c] = (probabilities[at + c] as number) / total;
  }
}

/** Mean cross-entropy of the true classes. */
function logLoss(probabilities: Float64Array, y: Int32Array, classes: number): number {
  let loss = 0;
  for (let r = 0; r < y.length; r++) loss -= Math.log(Math.max(1e-15, probabilities[r * classes + (y[r] as number)] as number));
  return loss / y.length;
}

/** The softmax loss's gradient and hessian of class `c`'s score, per row. */
function softmaxGradients(probabilities: Float64Array, y: Int32Array, c: number, classes: number, grad: Float64Array, hess: Float64Array): void {
  for (let r = 0; r < y.length; r++) {
    const p = probabilities[r * classes + c] as number;
    grad[r] = p - (y[r] === c ? 1 : 0);
    hess[r] = Math.max(p * (1 - p), 1e-6);
  }
}

/** Every row's scores (row-major, `classes` per row) and the class whose tree is growing. */
interface ClassScores {
  values: Float64Array;
  c: number;
  classes: number;
}

/** Adds a leaf's value to the scores of its rows, order[start..end). */
function addToScores({ values, c, classes }: ClassScores, order: Int32Array, start: number, end: number, value: number): void {
  for (let i = start; i < end; i++) {
    const at = (order[i] as number) * classes + c;
    values[at] = (values[at] as number) + value;
  }
}

/** Adds to each row of order[start..end) the value of the leaf its bin in `column` sends it to. */
function addSidesToScores({ values, c, classes }: ClassScores, order: Int32Array, start: number, end: number, column: Uint8Array | Uint16Array, bin: number, left: number, right: number): void {
  for (let i = start; i < end; i++) {
    const r = order[i] as number;
    const at = r * classes + c;
    values[at] = (values[at] as number) + ((column[r] as number) <= bin ? left : right);
  }
}

/**
 * Fits the trees. Async to yield: after every tree (10-20 ms on 100k rows) and every binned feature
 * the process's event loop runs whatever waits (API requests, heartbeats, a cancellation), so a
 * training step never stalls the process it runs in (`cairn dev` serves the API from it).
 */
export async function fitGradientBoosting(x: Float64Array, y: Int32Array, features: number, classes: number, options: BoostingOptions): Promise<BoostedTrees> {
  const rows = y.length;
  const edges = await binEdges(x, rows, features, options.bins);
  const stride = Math.max(1, ...edges.map((e) => e.length + 1));
  const { offsets, columns } = await binOffsets(x, rows, features, edges, stride);

  const counts = new Array<number>(classes).fill(0);
  for (let r = 0; r < rows; r++) counts[y[r] as number] = (counts[y[r] as number] as number) + 1;
  const baseScores = counts.map((n) => Math.log(Math.max(n, 1) / rows));
  const scores = new Float64Array(rows * classes);
  for (let r = 0; r < rows; r++) for (let c = 0; c < classes; c++) scores[r * classes + c] = baseScores[c] as number;

  const grad = new Float64Array(rows);
  const hess = new Float64Array(rows);
  const trees: TreeNode[][][] = [];
  const probabilities = new Float64Array(rows * classes);
  const grower = new TreeGrower(offsets, columns, rows, features, edges, stride, options);
  let reportedLoss = Number.NaN;
  for (let round = 0; round < options.rounds; round++) {
    // The loss is only reported (a heartbeat's details): measured every tenth round and on the last.
    softmax(scores, probabilities, classes);
    if (round % 10 === 0 || round === options.rounds - 1) reportedLoss = logLoss(probabilities, y, classes);
    const roundTrees: TreeNode[][] = [];
    for (let c = 0; c < classes; c++) {
      softmaxGradients(probabilities, y, c, classes, grad, hess);
      roundTrees.push(grower.grow(grad, hess, { values: scores, c, classes }));
      await yieldToEventLoop();
    }
    trees.push(roundTrees);
    options.onRound?.(round + 1, reportedLoss);
  }
  return { trees, baseScores, learningRate: options.learningRate };
}

/** The leaf value one tree gives the encoded row starting at `offset` in `x`. */
export function leafValue(nodes: TreeNode[], x: ArrayLike<number>, offset = 0): number {
  let node = nodes[0] as TreeNode;
  while (node.feature >= 0) node = nodes[(x[offset + node.feature] as number) <= node.threshold ? node.left : node.right] as TreeNode;
  return node.value;
}
