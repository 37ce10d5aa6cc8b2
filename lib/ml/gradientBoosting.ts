/**
 * Gradient-boosted decision trees (second order, as XGBoost and LightGBM do it): each round fits
 * one regression tree per class to the softmax loss's gradients and hessians over quantile-binned
 * inputs, with L2 on leaf values and a minimum hessian per leaf. Written here because the WASM
 * xgboost build offers no pure-JS inference for serving and ml-cart is far too slow (PACKAGES.md).
 */

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
  onRound?: (round: number, loss: number) => void;
}

/** Quantile bin edges per feature (distinct values, at most `bins - 1` cut points). */
function binEdges(x: Float64Array, rows: number, features: number, bins: number): Float64Array[] {
  const edges: Float64Array[] = [];
  for (let f = 0; f < features; f++) {
    const values = new Float64Array(rows);
    for (let r = 0; r < rows; r++) values[r] = x[r * features + f] as number;
    values.sort();
    const cuts: number[] = [];
    for (let b = 1; b < bins; b++) {
      const v = values[Math.min(rows - 1, Math.floor((b * rows) / bins))] as number;
      if (cuts.length === 0 || v > (cuts[cuts.length - 1] as number)) cuts.push(v);
    }
    // Drop a cut at the maximum: nothing would go right of it.
    if (cuts.length && cuts[cuts.length - 1] === values[rows - 1]) cuts.pop();
    edges.push(Float64Array.from(cuts));
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

export function fitGradientBoosting(x: Float64Array, y: Int32Array, features: number, classes: number, options: BoostingOptions): BoostedTrees {
  const rows = y.length;
  const edges = binEdges(x, rows, features, options.bins);
  const binned = new Uint16Array(rows * features);
  for (let r = 0; r < rows; r++) for (let f = 0; f < features; f++) binned[r * features + f] = binOf(edges[f] as Float64Array, x[r * features + f] as number);

  const counts = new Array<number>(classes).fill(0);
  for (let r = 0; r < rows; r++) counts[y[r] as number] = (counts[y[r] as number] as number) + 1;
  const baseScores = counts.map((n) => Math.log(Math.max(n, 1) / rows));
  const scores = new Float64Array(rows * classes);
  for (let r = 0; r < rows; r++) for (let c = 0; c < classes; c++) scores[r * classes + c] = baseScores[c] as number;

  const grad = new Float64Array(rows);
  const hess = new Float64Array(rows);
  const trees: TreeNode[][][] = [];
  const probabilities = new Float64Array(rows * classes);
  for (let round = 0; round < options.rounds; round++) {
    let loss = 0;
    for (let r = 0; r < rows; r++) {
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < classes; c++) max = Math.max(max, scores[r * classes + c] as number);
      let total = 0;
      for (let c = 0; c < classes; c++) total += probabilities[r * classes + c] = Math.exp((scores[r * classes + c] as number) - max);
      for (let c = 0; c < classes; c++) probabilities[r * classes + c] = (probabilities[r * classes + c] as number) / total;
      loss -= Math.log(Math.max(1e-15, probabilities[r * classes + (y[r] as number)] as number));
    }
    options.onRound?.(round + 1, loss / rows);
    const roundTrees: TreeNode[][] = [];
    for (let c = 0; c < classes; c++) {
      for (let r = 0; r < rows; r++) {
        const p = probabilities[r * classes + c] as number;
        grad[r] = p - (y[r] === c ? 1 : 0);
        hess[r] = Math.max(p * (1 - p), 1e-6);
      }
      const nodes: TreeNode[] = [];
      const all = Int32Array.from({ length: rows }, (_, i) => i);
      buildNode(all, 0);
      roundTrees.push(nodes);
      for (let r = 0; r < rows; r++) scores[r * classes + c] = (scores[r * classes + c] as number) + leafValue(nodes, x, r * features);

      // Grows a node from the rows in `members`; returns its index.
      function buildNode(members: Int32Array, depth: number): number {
        let g = 0;
        let h = 0;
        for (const r of members) {
          g += grad[r] as number;
          h += hess[r] as number;
        }
        const index = nodes.length;
        nodes.push({ feature: -1, threshold: 0, left: -1, right: -1, value: (-g / (h + options.l2)) * options.learningRate });
        if (depth >= options.maxDepth || h < 2 * options.minChildWeight) return index;
        const parentGain = (g * g) / (h + options.l2);
        let best = { gain: 1e-9, feature: -1, bin: -1 };
        for (let f = 0; f < features; f++) {
          const bins = (edges[f] as Float64Array).length + 1;
          if (bins < 2) continue;
          const gBins = new Float64Array(bins);
          const hBins = new Float64Array(bins);
          for (const r of members) {
            const b = binned[r * features + f] as number;
            gBins[b] = (gBins[b] as number) + (grad[r] as number);
            hBins[b] = (hBins[b] as number) + (hess[r] as number);
          }
          let gl = 0;
          let hl = 0;
          for (let b = 0; b < bins - 1; b++) {
            gl += gBins[b] as number;
            hl += hBins[b] as number;
            const gr = g - gl;
            const hr = h - hl;
            if (hl < options.minChildWeight || hr < options.minChildWeight) continue;
            const gain = (gl * gl) / (hl + options.l2) + (gr * gr) / (hr + options.l2) - parentGain;
            if (gain > best.gain) best = { gain, feature: f, bin: b };
          }
        }
        if (best.feature < 0) return index;
        const threshold = (edges[best.feature] as Float64Array)[best.bin] as number;
        const left = members.filter((r) => (binned[r * features + best.feature] as number) <= best.bin);
        const right = members.filter((r) => (binned[r * features + best.feature] as number) > best.bin);
        const node = nodes[index] as TreeNode;
        node.feature = best.feature;
        node.threshold = threshold;
        node.left = buildNode(left, depth + 1);
        node.right = buildNode(right, depth + 1);
        return index;
      }
    }
    trees.push(roundTrees);
  }
  return { trees, baseScores, learningRate: options.learningRate };
}

/** The leaf value one tree gives the encoded row starting at `offset` in `x`. */
export function leafValue(nodes: TreeNode[], x: ArrayLike<number>, offset = 0): number {
  let node = nodes[0] as TreeNode;
  while (node.feature >= 0) node = nodes[(x[offset + node.feature] as number) <= node.threshold ? node.left : node.right] as TreeNode;
  return node.value;
}
