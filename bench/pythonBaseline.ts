/**
 * A Python trainer on the same data, on one thread (OMP_NUM_THREADS=1, threadpoolctl, and each
 * library's own thread count), timing the fit alone: the honest baseline for Cairn's own trainers.
 * scikit-learn runs in the project's Python venv (`npm run setup` creates it); LightGBM and XGBoost,
 * which Cairn does not need, in the benchmarks' private venv (bench/peersVenv.ts). The matrix travels
 * as raw float64 and int32 files, so every side sees the same numbers.
 */
import { PROJECT_PYTHON } from '../lib/pythonWorker';
import { peersPython } from './peersVenv';
import { fitInProcess, type FitData, type FitOutcome } from './fitInProcess';

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
predicted.tofile(a["predicted"])
print(json.dumps({"seconds": seconds}))
`;

export type BaselineModel = 'hist-gradient-boosting' | 'logistic-regression' | 'lightgbm' | 'xgboost';

/** scikit-learn's, LightGBM's or XGBoost's fit of the training rows, on one thread, and its holdout predictions. */
export function pythonFit(model: BaselineModel, data: FitData, params: Record<string, unknown>): FitOutcome {
  const python = model === 'lightgbm' || model === 'xgboost' ? peersPython() : PROJECT_PYTHON;
  return fitInProcess(python, ['-c', SCRIPT], data, { model, params }, { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' });
}
