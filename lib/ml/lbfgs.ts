import { yieldToEventLoop } from '../progress';

/**
 * Limited-memory BFGS with a backtracking (Armijo) line search: a proper optimizer for smooth convex
 * losses such as regularized logistic regression. `evaluate` returns the loss and writes the gradient.
 * Between iterations it yields to the event loop, so a long fit never stalls the process it runs in.
 */
export async function minimizeLbfgs(
  evaluate: (x: Float64Array, gradient: Float64Array) => number,
  start: Float64Array,
  options: { maxIterations: number; tolerance: number; memory?: number; onIteration?: (iteration: number, loss: number) => void },
): Promise<{ x: Float64Array; loss: number; iterations: number }> {
  const n = start.length;
  const m = options.memory ?? 10;
  const dot = (a: Float64Array, b: Float64Array) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += (a[i] as number) * (b[i] as number);
    return s;
  };
  let x = Float64Array.from(start);
  let g = new Float64Array(n);
  let loss = evaluate(x, g);
  const sHistory: Float64Array[] = [];
  const yHistory: Float64Array[] = [];
  const rhoHistory: number[] = [];
  const direction = new Float64Array(n);
  const alpha = new Array<number>(m);
  let iteration = 0;
  for (; iteration < options.maxIterations; iteration++) {
    if (Math.sqrt(dot(g, g)) < options.tolerance) break;
    // Two-loop recursion: direction = -H g.
    for (let i = 0; i < n; i++) direction[i] = -(g[i] as number);
    for (let k = sHistory.length - 1; k >= 0; k--) {
      alpha[k] = (rhoHistory[k] as number) * dot(sHistory[k] as Float64Array, direction);
      const y = yHistory[k] as Float64Array;
      for (let i = 0; i < n; i++) direction[i] = (direction[i] as number) - (alpha[k] as number) * (y[i] as number);
    }
    if (sHistory.length > 0) {
      const last = sHistory.length - 1;
      const gamma = dot(sHistory[last] as Float64Array, yHistory[last] as Float64Array) / dot(yHistory[last] as Float64Array, yHistory[last] as Float64Array);
      for (let i = 0; i < n; i++) direction[i] = (direction[i] as number) * gamma;
    }
    for (let k = 0; k < sHistory.length; k++) {
      const beta = (rhoHistory[k] as number) * dot(yHistory[k] as Float64Array, direction);
      const s = sHistory[k] as Float64Array;
      for (let i = 0; i < n; i++) direction[i] = (direction[i] as number) + (s[i] as number) * ((alpha[k] as number) - beta);
    }
    let slope = dot(g, direction);
    if (slope >= 0) {
      // Not a descent direction (numerical trouble): fall back to steepest descent and forget the history.
      for (let i = 0; i < n; i++) direction[i] = -(g[i] as number);
      slope = dot(g, direction);
      sHistory.length = yHistory.length = rhoHistory.length = 0;
    }
    let step = iteration === 0 && sHistory.length === 0 ? 1 / Math.max(1, Math.sqrt(dot(g, g))) : 1;
    const candidate = new Float64Array(n);
    const candidateGradient = new Float64Array(n);
    let candidateLoss = Number.POSITIVE_INFINITY;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < n; i++) candidate[i] = (x[i] as number) + step * (direction[i] as number);
      candidateLoss = evaluate(candidate, candidateGradient);
      if (candidateLoss <= loss + 1e-4 * step * slope) break;
      step /= 2;
    }
    if (!(candidateLoss < loss) && Math.abs(candidateLoss - loss) < 1e-12) break;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = (candidate[i] as number) - (x[i] as number);
      y[i] = (candidateGradient[i] as number) - (g[i] as number);
    }
    const sy = dot(s, y);
    if (sy > 1e-12) {
      sHistory.push(s);
      yHistory.push(y);
      rhoHistory.push(1 / sy);
      if (sHistory.length > m) {
        sHistory.shift();
        yHistory.shift();
        rhoHistory.shift();
      }
    }
    const improvement = loss - candidateLoss;
    x = candidate;
    g = candidateGradient;
    loss = candidateLoss;
    options.onIteration?.(iteration + 1, loss);
    await yieldToEventLoop();
    if (Math.abs(improvement) < options.tolerance * Math.max(1, Math.abs(loss)) * 1e-3) {
      iteration += 1;
      break;
    }
  }
  return { x, loss, iterations: iteration };
}
