import { minimizeLbfgs } from './lbfgs';

export interface LogisticFit {
  /** classes x features */
  weights: number[][];
  bias: number[];
  loss: number;
  iterations: number;
}

/**
 * Multinomial logistic regression: softmax cross-entropy (mean over rows) plus (l2 / 2) * ||W||^2
 * (the bias is not penalized), minimized with L-BFGS. `x` is rows x features, row-major.
 */
export async function fitLogisticRegression(
  x: Float64Array,
  y: Int32Array,
  features: number,
  classes: number,
  options: { l2: number; maxIterations: number; tolerance?: number; onIteration?: (iteration: number, loss: number) => void },
): Promise<LogisticFit> {
  const rows = y.length;
  const stride = features + 1; // weights then bias, per class
  const scores = new Float64Array(classes);
  const evaluate = (params: Float64Array, gradient: Float64Array): number => {
    gradient.fill(0);
    let loss = 0;
    for (let r = 0; r < rows; r++) {
      const offset = r * features;
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < classes; c++) {
        let s = params[c * stride + features] as number;
        const base = c * stride;
        for (let f = 0; f < features; f++) s += (params[base + f] as number) * (x[offset + f] as number);
        scores[c] = s;
        if (s > max) max = s;
      }
      let total = 0;
      for (let c = 0; c < classes; c++) {
        scores[c] = Math.exp((scores[c] as number) - max);
        total += scores[c] as number;
      }
      const label = y[r] as number;
      loss -= Math.log((scores[label] as number) / total);
      for (let c = 0; c < classes; c++) {
        const error = (scores[c] as number) / total - (c === label ? 1 : 0);
        const base = c * stride;
        for (let f = 0; f < features; f++) gradient[base + f] = (gradient[base + f] as number) + error * (x[offset + f] as number);
        gradient[base + features] = (gradient[base + features] as number) + error;
      }
    }
    loss /= rows;
    for (let i = 0; i < gradient.length; i++) gradient[i] = (gradient[i] as number) / rows;
    for (let c = 0; c < classes; c++) {
      for (let f = 0; f < features; f++) {
        const w = params[c * stride + f] as number;
        loss += (options.l2 / 2) * w * w;
        gradient[c * stride + f] = (gradient[c * stride + f] as number) + options.l2 * w;
      }
    }
    return loss;
  };
  const result = await minimizeLbfgs(evaluate, new Float64Array(classes * stride), {
    maxIterations: options.maxIterations,
    tolerance: options.tolerance ?? 1e-6,
    ...(options.onIteration ? { onIteration: options.onIteration } : {}),
  });
  const weights: number[][] = [];
  const bias: number[] = [];
  for (let c = 0; c < classes; c++) {
    weights.push(Array.from(result.x.subarray(c * stride, c * stride + features)));
    bias.push(result.x[c * stride + features] as number);
  }
  return { weights, bias, loss: result.loss, iterations: result.iterations };
}
