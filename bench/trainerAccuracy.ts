/**
 * trainer-accuracy: Cairn's built-in trainers with their default settings beside scikit-learn's
 * default models (LogisticRegression(), HistGradientBoostingClassifier()) on public data sets of
 * different sizes, feature counts and class counts: scikit-learn's own iris, wine, breast cancer and
 * digits, vega-datasets' penguins and Seattle weather (numeric columns), and a 20,000-row synthetic
 * set. Both sides see the same rows and the same seeded stratified 80/20 splits (Cairn's trainModel
 * makes the split; scikit-learn gets its indices), five splits per data set; accuracy on the held-out
 * rows, averaged. The target: within 1.0 point of scikit-learn on every data set.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VEGA_DATA as vega } from '../definitions/exampleData';
import { trainModel } from '../lib/ml/trainModel';
import { PROJECT_PYTHON } from '../lib/pythonWorker';
import { round } from './stats';

const SEEDS = [1, 2, 3, 4, 5];

/** Writes each data set as Parquet (numeric features, the label as text in `target`); returns their names. */
const EXPORT = `
import json, sys
import numpy as np, pandas as pd
from sklearn import datasets
out, vega = sys.argv[1], sys.argv[2]
sets = {}
for name, loader in [("iris", datasets.load_iris), ("wine", datasets.load_wine), ("breast-cancer", datasets.load_breast_cancer), ("digits", datasets.load_digits)]:
    b = loader(as_frame=True)
    frame = b.data.copy()
    frame.columns = [f"f{i}" for i in range(frame.shape[1])]
    frame["target"] = b.target.astype(str).values
    sets[name] = frame
p = pd.read_json(f"{vega}/penguins.json")
p = p[["Beak Length (mm)", "Beak Depth (mm)", "Flipper Length (mm)", "Body Mass (g)", "Species"]].dropna()
p.columns = ["f0", "f1", "f2", "f3", "target"]
sets["penguins"] = p
w = pd.read_csv(f"{vega}/seattle-weather.csv")
w = w[["precipitation", "temp_max", "temp_min", "wind", "weather"]].rename(columns={"weather": "target"})
sets["seattle-weather"] = w
x, y = datasets.make_classification(n_samples=20000, n_features=20, n_informative=10, n_redundant=4, n_classes=4, n_clusters_per_class=2, flip_y=0.02, random_state=0)
s = pd.DataFrame(x, columns=[f"f{i}" for i in range(20)])
s["target"] = y.astype(str)
sets["synthetic-20k"] = s
for name, frame in sets.items():
    frame.reset_index(drop=True).to_parquet(f"{out}/{name}.parquet", index=False)
print(json.dumps({name: [int(len(f)), int(f.shape[1] - 1), int(f["target"].nunique())] for name, f in sets.items()}))
`;

/** scikit-learn's default models on given splits: mean holdout accuracy of each. */
const SKLEARN = `
import json, sys, warnings
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.ensemble import HistGradientBoostingClassifier
from threadpoolctl import threadpool_limits
warnings.filterwarnings("ignore")
a = json.loads(sys.argv[1])
frame = pd.read_parquet(a["path"])
x = frame.drop(columns=["target"]).to_numpy(dtype=float)
y = frame["target"].to_numpy()
result = {"logistic": [], "trees": []}
with threadpool_limits(1):
    for split in json.load(open(a["splits"])):
        train, test = np.array(split["train"]), np.array(split["test"])
        for key, model in [("logistic", LogisticRegression()), ("trees", HistGradientBoostingClassifier(random_state=0))]:
            model.fit(x[train], y[train])
            result[key].append(float((model.predict(x[test]) == y[test]).mean()))
print(json.dumps(result))
`;

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

export async function trainerAccuracy(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-accuracy-'));
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' };
  try {
    const shapes = JSON.parse(execFileSync(PROJECT_PYTHON, ['-c', EXPORT, dir, vega], { encoding: 'utf8', env })) as Record<string, [number, number, number]>;
    const figures: string[] = [];
    let worstGap = Number.NEGATIVE_INFINITY;
    console.log('data set          rows  features classes | logistic: Cairn  sklearn  gap | boosted trees: Cairn  sklearn  gap   (mean holdout accuracy over 5 splits, points)');
    for (const [name, [rows, features, classes]] of Object.entries(shapes)) {
      const path = join(dir, `${name}.parquet`);
      const cairn = { logistic: [] as number[], trees: [] as number[] };
      const splits: { train: number[]; test: number[] }[] = [];
      for (const seed of SEEDS) {
        const logistic = await trainModel(path, { target: 'target', algorithm: 'logistic-regression', seed });
        const trees = await trainModel(path, { target: 'target', algorithm: 'gradient-boosted-trees', seed });
        cairn.logistic.push(logistic.metrics.holdoutScore);
        cairn.trees.push(trees.metrics.holdoutScore);
        splits.push(logistic.split);
      }
      // The splits travel as a file: 20,000 rows' indices are too long for a command line.
      writeFileSync(join(dir, 'splits.json'), JSON.stringify(splits));
      const sklearn = JSON.parse(execFileSync(PROJECT_PYTHON, ['-c', SKLEARN, JSON.stringify({ path, splits: join(dir, 'splits.json') })], { encoding: 'utf8', env })) as { logistic: number[]; trees: number[] };
      const points = (values: number[]) => mean(values) * 100;
      const gapLogistic = points(cairn.logistic) - points(sklearn.logistic);
      const gapTrees = points(cairn.trees) - points(sklearn.trees);
      worstGap = Math.max(worstGap, -gapLogistic, -gapTrees);
      console.log(
        `${name.padEnd(16)} ${String(rows).padStart(6)} ${String(features).padStart(8)} ${String(classes).padStart(7)} | ${points(cairn.logistic).toFixed(2).padStart(15)} ${points(sklearn.logistic).toFixed(2).padStart(8)} ${gapLogistic.toFixed(2).padStart(5)} | ${points(cairn.trees).toFixed(2).padStart(20)} ${points(sklearn.trees).toFixed(2).padStart(8)} ${gapTrees.toFixed(2).padStart(5)}`,
      );
      figures.push(`${name}_logistic_gap=${round(gapLogistic, 2)}`, `${name}_trees_gap=${round(gapTrees, 2)}`);
    }
    console.log(`largest shortfall against scikit-learn: ${worstGap.toFixed(2)} points (target: at most 1.0)`);
    return [...figures, `worst_shortfall_points=${round(worstGap, 2)}`].join(' ');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
