/**
 * Ridge regression in closed form: solves (X'X + l2 * n * I) w = X'y with an unpenalized bias, by
 * Cholesky factorisation (the encoded inputs are few, so the d x d system is small).
 */
export function fitRidgeRegression(x: Float64Array, y: Float64Array, features: number, l2: number): { weights: number[]; bias: number } {
  const rows = y.length;
  const d = features + 1; // last column is the bias
  const a = new Float64Array(d * d);
  const b = new Float64Array(d);
  const at = (r: number, f: number) => (f === features ? 1 : (x[r * features + f] as number));
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < d; i++) {
      const xi = at(r, i);
      b[i] = (b[i] as number) + xi * (y[r] as number);
      for (let j = 0; j <= i; j++) a[i * d + j] = (a[i * d + j] as number) + xi * at(r, j);
    }
  }
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) a[j * d + i] = a[i * d + j] as number;
  for (let i = 0; i < features; i++) a[i * d + i] = (a[i * d + i] as number) + l2 * rows;
  // Cholesky: a = L L'
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * d + j] as number;
      for (let k = 0; k < j; k++) sum -= (l[i * d + k] as number) * (l[j * d + k] as number);
      l[i * d + j] = i === j ? Math.sqrt(Math.max(sum, 1e-12)) : sum / (l[j * d + j] as number);
    }
  }
  const z = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let sum = b[i] as number;
    for (let k = 0; k < i; k++) sum -= (l[i * d + k] as number) * (z[k] as number);
    z[i] = sum / (l[i * d + i] as number);
  }
  const w = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let sum = z[i] as number;
    for (let k = i + 1; k < d; k++) sum -= (l[k * d + i] as number) * (w[k] as number);
    w[i] = sum / (l[i * d + i] as number);
  }
  return { weights: Array.from(w.subarray(0, features)), bias: w[features] as number };
}
