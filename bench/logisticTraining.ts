/**
 * logistic-training: multinomial logistic regression on 100k rows x 20 standardized features
 * (3 classes from a known linear model plus noise), Cairn's L-BFGS trainer beside
 * ml-logistic-regression (one-vs-rest gradient descent) on the same matrix, in the same process, and
 * scikit-learn's LogisticRegression (lbfgs, the same L2 penalty, one thread) on the same matrix in the
 * project's Python venv. Reports seconds (the fit alone) and holdout accuracy for each: speed only
 * counts at equal quality. Cairn's fit runs from a bundle in a process of its own, as its compiled
 * package runs it (bench/compiledNodeFit.ts says why); ml-logistic-regression, on plain arrays, here.
 */
import { Matrix } from 'ml-matrix';
// ml-logistic-regression ships no types: a declaration in bench/ml-logistic-regression.d.ts.
import MlLogisticRegression from 'ml-logistic-regression';
import { compiledNodeFit } from './compiledNodeFit';
import { pythonFit } from './pythonBaseline';
import { syntheticClasses } from './syntheticClasses';
import { round } from './stats';

const ROWS = 100_000;
const FEATURES = 20;
const CLASSES = 3;
const BASELINE_STEPS = 100;


export async function logisticTraining(): Promise<string> {
  const { x, y } = syntheticClasses({ rows: ROWS, features: FEATURES, classes: CLASSES, noise: 1.5 });
  const trainRows = Math.floor(ROWS * 0.8);
  const yTrain = y.subarray(0, trainRows);
  const accuracy = (predict: (row: number) => number) => {
    let correct = 0;
    for (let r = trainRows; r < ROWS; r++) if (predict(r) === y[r]) correct += 1;
    return correct / (ROWS - trainRows);
  };

  const data = { x, y, features: FEATURES, trainRows };
  const cairn = compiledNodeFit('fitLogistic', data, { classes: CLASSES, l2: 1e-4, maxIterations: 200 });
  const cairnSeconds = cairn.seconds;
  const cairnAccuracy = cairn.accuracy;
  const iterations = cairn.reported.iterations as number;

  const rows = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => Array.from(x.subarray((from + i) * FEATURES, (from + i + 1) * FEATURES)));
  const t0 = performance.now();
  const baseline = new MlLogisticRegression({ numSteps: BASELINE_STEPS, learningRate: 5e-3 });
  baseline.train(new Matrix(rows(0, trainRows)), Matrix.columnVector(Array.from(yTrain)));
  const baselineSeconds = (performance.now() - t0) / 1000;
  const baselinePredictions = baseline.predict(new Matrix(rows(trainRows, ROWS)));
  const baselineAccuracy = accuracy((r) => baselinePredictions[r - trainRows] as number);

  // Cairn's penalty is l2/2 |w|^2 on the mean loss; scikit-learn's is |w|^2/2 on C times the summed loss: C = 1 / (l2 * rows).
  const sklearn = pythonFit('logistic-regression', data, { C: 1 / (1e-4 * trainRows), max_iter: 200, tol: 1e-6 });

  console.log(`data: ${ROWS} rows x ${FEATURES} features, ${CLASSES} classes, 80/20 split`);
  console.log(`cairn (multinomial, L-BFGS, ${iterations} iterations): ${cairnSeconds.toFixed(2)} s, holdout accuracy ${cairnAccuracy.toFixed(4)}`);
  console.log(`ml-logistic-regression (one-vs-rest, ${BASELINE_STEPS} steps): ${baselineSeconds.toFixed(2)} s, holdout accuracy ${baselineAccuracy.toFixed(4)}`);
  console.log(`scikit-learn LogisticRegression (lbfgs, one thread): ${sklearn.seconds.toFixed(2)} s, holdout accuracy ${sklearn.accuracy.toFixed(4)}; Cairn takes ${round(cairnSeconds / sklearn.seconds)}x its time`);
  return `rows=${ROWS} features=${FEATURES} cairn_s=${round(cairnSeconds)} cairn_accuracy=${round(cairnAccuracy, 4)} cairn_iterations=${iterations} ml_logreg_s=${round(baselineSeconds)} ml_logreg_accuracy=${round(baselineAccuracy, 4)} speedup=${round(baselineSeconds / cairnSeconds, 1)} sklearn_s=${round(sklearn.seconds)} sklearn_accuracy=${round(sklearn.accuracy, 4)} vs_sklearn=${round(cairnSeconds / sklearn.seconds)}`;
}
