/**
 * scikit-learn on the same data, in the project's Python venv (`npm run setup` creates it), on one
 * thread (OMP_NUM_THREADS=1 and threadpoolctl), timing the fit alone: the honest baseline for Cairn's
 * own trainers. The matrix travels as raw float64 and int32 files, so both sides see the same numbers.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_PYTHON } from '../lib/pythonWorker';

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

/** The fit's seconds, its holdout accuracy and its predicted class for each holdout row. */
export function sklearnFit(model: 'hist-gradient-boosting' | 'logistic-regression', data: { x: Float64Array; y: Int32Array; features: number; trainRows: number }, params: Record<string, unknown>): { seconds: number; accuracy: number; predicted: Int32Array } {
  const dir = mkdtempSync(join(tmpdir(), 'cairn-bench-sklearn-'));
  try {
    writeFileSync(join(dir, 'x'), Buffer.from(data.x.buffer, data.x.byteOffset, data.x.byteLength));
    writeFileSync(join(dir, 'y'), Buffer.from(data.y.buffer, data.y.byteOffset, data.y.byteLength));
    const args = JSON.stringify({ model, params, x: join(dir, 'x'), y: join(dir, 'y'), predicted: join(dir, 'predicted'), features: data.features, trainRows: data.trainRows });
    const out = execFileSync(PROJECT_PYTHON, ['-c', SCRIPT, args], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' } });
    const predictedBytes = readFileSync(join(dir, 'predicted'));
    const predicted = new Int32Array(predictedBytes.buffer, predictedBytes.byteOffset, predictedBytes.byteLength / 4).slice();
    return { ...(JSON.parse(out) as { seconds: number; accuracy: number }), predicted };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
