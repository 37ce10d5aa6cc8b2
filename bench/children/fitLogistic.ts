/**
 * Cairn's multinomial logistic regression on a matrix handed as files (bench/fitInProcess.ts), run
 * by bench/compiledNodeFit.ts from a bundle in a Node process with no TypeScript loader.
 */
import { fitLogisticRegression } from '../../lib/ml/logisticRegression';
import { readMatrix, reportFit } from './childMatrix';

const { args, x, y } = readMatrix<{ classes: number; l2: number; maxIterations: number }>();
const { features, trainRows } = args;

const t0 = performance.now();
const fit = await fitLogisticRegression(x.subarray(0, trainRows * features), y.subarray(0, trainRows), features, args.classes, { l2: args.l2, maxIterations: args.maxIterations });
const seconds = (performance.now() - t0) / 1000;

reportFit(args, y.length, seconds, (r) => {
  const scores = fit.weights.map((w, c) => w.reduce((s, wi, f) => s + wi * (x[r * features + f] as number), fit.bias[c] as number));
  return scores.indexOf(Math.max(...scores));
}, { iterations: fit.iterations });
