"""The penguins model of the example (definitions/python/sklearn_steps.py: HistGradientBoosting on
Cairn's own split), fitted again in the peers' venv, for the benchmarks' Python servers to serve
beside Cairn's serving of the same model from ONNX."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "python"))  # cairn_steps, from source: the peers' venv does not install it


def fit_example_model(penguins_json: str):
    """The fitted model and the feature frame it was fitted on (its columns, in order)."""
    import pandas as pd

    spec = importlib.util.spec_from_file_location("sklearn_steps", REPO / "definitions" / "python" / "sklearn_steps.py")
    steps = importlib.util.module_from_spec(spec)
    sys.modules["sklearn_steps"] = steps
    spec.loader.exec_module(steps)
    return steps.train_model(pd.read_json(penguins_json), steps.FitConfig(target="Species"))
