"""The Python steps of the penguins-sklearn example: scikit-learn training, exported to ONNX.

Run by a Temporal Python worker (`cairn dev` starts it; elsewhere:
`python -m cairn_steps.worker --queue python --module definitions/python/sklearn_steps.py`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from cairn_steps import DataError, StepInput, StepRuntime, holdout, step
from cairn_steps.onnx_model import prepare_features, save_sklearn_model


class FitConfig(BaseModel):
    """Mirrors FitHistGradientBoostingConfig in definitions/pythonSteps.ts (checked there when definitions load)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    target: str = Field(min_length=1)
    features: list[str] | None = Field(default=None, min_length=1)
    task: Literal["classification", "regression"] = "classification"
    max_iter: int = Field(default=100, ge=1, le=10_000, alias="maxIter")
    learning_rate: float = Field(default=0.1, gt=0, le=1, alias="learningRate")
    test_fraction: float = Field(default=0.2, gt=0, lt=1, alias="testFraction")
    seed: int = 42


def train_model(frame, config: FitConfig):
    """The fitted scikit-learn Pipeline and the training features it saw (as prepare_features gives
    them): trained on Cairn's own seeded split of `frame`, so `evaluate` scores the rows it never saw."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    train, _test = holdout(frame, config.target, config.task, config.test_fraction, config.seed)
    features = config.features or [c for c in frame.columns if c != config.target]
    missing = [f for f in features if f not in frame.columns]
    if missing:
        raise DataError(f"feature column(s) {', '.join(missing)} are not in the dataset")
    x = prepare_features(train, features)
    numeric = [c for c in features if x[c].dtype.kind == "f"]
    categorical = [c for c in features if c not in numeric]
    estimator = (HistGradientBoostingClassifier if config.task == "classification" else HistGradientBoostingRegressor)(
        max_iter=config.max_iter, learning_rate=config.learning_rate, random_state=config.seed
    )
    columns = ColumnTransformer([("numeric", SimpleImputer(strategy="median"), numeric), ("categorical", OneHotEncoder(handle_unknown="ignore"), categorical)])
    model = Pipeline([("columns", columns), ("model", estimator)])
    y = train[config.target].astype(str) if config.task == "classification" else train[config.target].astype(float)
    return model.fit(x, y), x


@step("fit-hist-gradient-boosting", config=FitConfig)
def fit_hist_gradient_boosting(input: StepInput[FitConfig], runtime: StepRuntime) -> dict:
    """Trains scikit-learn's HistGradientBoosting on the upstream dataset and stores the model as ONNX."""
    config = input.config
    sources = [value for value in input.upstream.values() if isinstance(value, dict) and "dataset" in value]
    if len(sources) != 1:
        raise DataError(f"step '{input.run.step}' reads one upstream dataset (an ingest output); it has {len(sources)}")
    dataset = sources[0]["dataset"]
    frame = runtime.artifacts.read_dataset(dataset)
    runtime.heartbeat({"phase": "fit", "rows": len(frame)})
    runtime.log.info(f"fitting HistGradientBoosting on {len(frame)} rows", target=config.target, maxIter=config.max_iter)
    model, x = train_model(frame, config)
    runtime.raise_if_cancelled()
    runtime.heartbeat({"phase": "export"})
    model_ref = save_sklearn_model(
        runtime.artifacts,
        model,
        x,
        task=config.task,
        target=config.target,
        hyperparameters={"maxIter": config.max_iter, "learningRate": config.learning_rate, "seed": config.seed},
    )
    runtime.log.info("exported the model as ONNX", sha256=model_ref["sha256"])
    # The shape of the built-in train stage's output: evaluate and register read it the same way.
    return {
        "model": model_ref,
        "dataset": dataset,
        "split": {"testFraction": config.test_fraction, "seed": config.seed},
        "trainRows": len(x),
        "features": list(x.columns),
    }
