/**
 * Cairn's boosted trees on a matrix handed as files (bench/fitInProcess.ts), run by
 * bench/compiledNodeFit.ts from a bundle in a Node process with no TypeScript loader.
 */
import { fitGradientBoosting, leafValue, type BoostingOptions } from '../../lib/ml/gradientBoosting';
import { readMatrix, reportFit } from './childMatrix';

const { args, x, y } = readMatrix<{ classes: number; settings: BoostingOptions }>();
const { features, trainRows } = args;

const t0 = performance.now();
const model = await fitGradientBoosting(x.subarray(0, trainRows * features), y.subarray(0, trainRows), features, args.classes, args.settings);
const seconds = (performance.now() - t0) / 1000;

reportFit(args, y.length, seconds, (r) => {
  const scores = model.baseScores.map((base, c) => model.trees.reduce((sum, round) => sum + leafValue(round[c]!, x, r * features), base));
  return scores.indexOf(Math.max(...scores));
});
