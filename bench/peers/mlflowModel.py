"""The penguins model of the example (definitions/python/sklearn_steps.py: HistGradientBoosting on
Cairn's own split), fitted again and saved in MLflow's format, for `npm run bench -- predict` to serve
with `mlflow models serve` beside Cairn's serving of the same model from ONNX.

    python mlflowModel.py <penguins.json> <model dir>"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "python"))  # cairn_steps, from source: the peers' venv does not install it


def main() -> None:
    import mlflow.sklearn
    import pandas as pd

    spec = importlib.util.spec_from_file_location("sklearn_steps", REPO / "definitions" / "python" / "sklearn_steps.py")
    steps = importlib.util.module_from_spec(spec)
    sys.modules["sklearn_steps"] = steps
    spec.loader.exec_module(steps)
    model, x = steps.train_model(pd.read_json(sys.argv[1]), steps.FitConfig(target="Species"))
    # We made this file ourselves, so MLflow's skops format may load the types it cannot vet.
    mlflow.sklearn.save_model(model, sys.argv[2], skops_trusted_types=["numpy.dtype", "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor"])
    print(json.dumps({"columns": list(x.columns)}))


if __name__ == "__main__":
    main()
