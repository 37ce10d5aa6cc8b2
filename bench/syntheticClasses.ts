import { seededNormal } from '../lib/seededRandom';

/**
 * A seeded classification matrix: standard-normal inputs, and each row's class the best score of
 * `classes` random weight vectors over `term(x, feature)` plus noise. The logistic benchmark uses the
 * inputs as they are (a linear truth); the trees' benchmark a non-linear term.
 */
export function syntheticClasses(options: { rows: number; features: number; classes: number; noise: number; term?: (x: number, feature: number) => number }) {
  const { rows, features, classes, noise } = options;
  const term = options.term ?? ((x: number) => x);
  const draw = seededNormal(11);
  const truth = Array.from({ length: classes }, () => Array.from({ length: features }, () => draw()));
  const x = new Float64Array(rows * features);
  const y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < features; f++) x[r * features + f] = draw();
    const scores = truth.map((w) => w.reduce((s, wi, f) => s + wi * term(x[r * features + f] as number, f), 0) + draw() * noise);
    y[r] = scores.indexOf(Math.max(...scores));
  }
  return { x, y };
}
