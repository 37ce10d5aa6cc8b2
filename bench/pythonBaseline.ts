/**
 * A Python trainer on the same data, on one thread (OMP_NUM_THREADS=1, threadpoolctl, and each
 * library's own thread count), timing the fit alone: the honest baseline for Cairn's own trainers.
 * scikit-learn runs in the project's Python venv (`npm run setup` creates it); LightGBM and XGBoost,
 * which Cairn does not need, in the benchmarks' private venv (bench/peersVenv.ts). The matrix travels
 * as raw float64 and int32 files, so every side sees the same numbers.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_PYTHON } from '../lib/pythonWorker';
import { peersPython } from './peersVenv';

const SCRIPT = `
import json, sys, time
import numpy as np
from threadpoolctl import threadpool_limits
a = json.loads(sys.argv[1])
x = np.fromfile(a["x"], dtype=np.float64).reshape(-1, a["features"])
y = np.fromfile(a["y"], dtype=np.int32)
n = a["trainRows"]
if a["model"] == "hist-gradient-boosting":
    from sklearn.ensemble import HistGradientBoostingClassifier
    model = HistGradientBoostingClassifier(**a["params"])
elif a["model"] == "lightgbm":
    from lightgbm import LGBMClassifier
    model = LGBMClassifier(**a["params"], n_jobs=1, verbose=-1)
elif a["model"] == "xgboost":
    from xgboost import XGBClassifier
    model = XGBClassifier(**a["params"], n_jobs=1)
else:
    from sklearn.linear_model import LogisticRegression
    model = LogisticRegression(**a["params"])
with threadpool_limits(1):
    t0 = time.perf_counter()
    model.fit(x[:n], y[:n])
    seconds = time.perf_counter() - t0
    predicted = model.predict(x[n:]).astype(np.int32)
    accuracy = float((predicted == y[n:]).mean())
predicted.tofile(a["predicted"])
print(json.dumps({"seconds": seconds, "accuracy": accuracy}))
`;

export type BaselineModel = 'hist-gradient-boosting' | 'logistic-regression' | 'lightgbm' | 'xgboost';

/** The fit's seconds, its holdout accuracy and its predicted class for each holdout row. */
export function pythonFit(model: BaselineModel, data: { x: Float64Array; y: Int32Array; features: number; trainRows: number }, params: Record<string, unknown>): { seconds: number; accuracy: number; predicted: Int32Array } {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-sklearn-'));
  try {
    writeFileSync(join(dir, 'x'), Buffer.from(data.x.buffer, data.x.byteOffset, data.x.byteLength));
    writeFileSync(join(dir, 'y'), Buffer.from(data.y.buffer, data.y.byteOffset, data.y.byteLength));
    const args = JSON.stringify({ model, params, x: join(dir, 'x'), y: join(dir, 'y'), predicted: join(dir, 'predicted'), features: data.features, trainRows: data.trainRows });
    const python = model === 'lightgbm' || model === 'xgboost' ? peersPython() : PROJECT_PYTHON;
    const out = execFileSync(python, ['-c', SCRIPT, args], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' } });
    const predictedBytes = readFileSync(join(dir, 'predicted'));
    const predicted = new Int32Array(predictedBytes.buffer, predictedBytes.byteOffset, predictedBytes.byteLength / 4).slice();
    return { ...(JSON.parse(out) as { seconds: number; accuracy: number }), predicted };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
