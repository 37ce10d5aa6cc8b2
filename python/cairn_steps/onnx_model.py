"""Models in ONNX for Cairn's registry and serving. A model is stored as two artifacts: the ONNX
file, and a small JSON manifest that Cairn registers (task, target, features and the graph inputs
they feed, labels in the order of the probability columns, the outputs to read). Cairn serves it
with onnxruntime; nothing that can run code (pickle, joblib) is ever loaded."""

from __future__ import annotations

from typing import Any, Literal

from .artifacts import ArtifactRef, ArtifactStore
from .errors import ConfigError
from .canonical import js_text

ONNX_MEDIA_TYPE = "application/vnd.onnx"
MANIFEST_MEDIA_TYPE = "application/vnd.cairn.model+json"

Task = Literal["classification", "regression"]


def feature_kinds(frame) -> list[dict[str, str]]:
    """Each column of a DataFrame as a Cairn feature: numeric, or categorical (text, boolean)."""
    import pandas as pd

    return [{"name": str(c), "kind": "numeric" if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c]) else "categorical"} for c in frame.columns]


def prepare_features(frame, features: list[str] | None = None):
    """The columns as Cairn feeds them to an ONNX model when it serves: numbers as float32 (missing as
    NaN), everything else as text (missing as ''). Train on what this returns, so serving sees what
    training saw."""
    chosen = frame[features] if features is not None else frame
    out = chosen.copy()
    for column, kind in ((f["name"], f["kind"]) for f in feature_kinds(chosen)):
        if kind == "numeric":
            out[column] = out[column].astype("float32")
        else:
            out[column] = [("" if v is None or (isinstance(v, float) and v != v) else js_text(v)) for v in out[column]]
            out[column] = out[column].astype(object)
    return out


def save_onnx_model(
    store: ArtifactStore,
    onnx_bytes: bytes,
    *,
    task: Task,
    target: str,
    features: list[dict[str, str]],
    labels: list[Any] | None = None,
    algorithm: str,
    hyperparameters: dict[str, Any] | None = None,
    inputs: list[str] | None = None,
    matrix_input: str | None = None,
    probabilities_output: str = "probabilities",
    value_output: str = "variable",
) -> ArtifactRef:
    """Stores the ONNX file and its manifest; returns the manifest's reference (what a step returns as
    `model`, and what `register` records). `inputs` names the graph input each feature feeds (in
    feature order; default: the feature names); `matrix_input` instead feeds every feature, in order,
    as one float matrix [rows, features]. `labels`: the class labels in the order of the
    probabilities output's columns (scikit-learn's `classes_`)."""
    if task == "classification" and not labels:
        raise ConfigError("a classification model needs its labels (scikit-learn: model.classes_)")
    if inputs is not None and len(inputs) != len(features):
        raise ConfigError(f"{len(inputs)} inputs for {len(features)} features: name one graph input per feature")
    onnx_ref = store.put(onnx_bytes, ONNX_MEDIA_TYPE)
    manifest: dict[str, Any] = {
        "formatVersion": 1,
        "format": "onnx",
        "onnx": onnx_ref,
        "algorithm": algorithm,
        "task": task,
        "target": target,
        "features": [{"name": f["name"], "kind": f["kind"], "input": (inputs[i] if inputs else f["name"])} for i, f in enumerate(features)],
        "labels": [js_text(label) for label in labels] if labels is not None else [],
        "outputs": {"probabilities": probabilities_output} if task == "classification" else {"value": value_output},
        "hyperparameters": hyperparameters or {},
    }
    if matrix_input:
        manifest["matrixInput"] = matrix_input
    return store.put_json(manifest, MANIFEST_MEDIA_TYPE)


def save_sklearn_model(store: ArtifactStore, model, sample, *, task: Task, target: str, hyperparameters: dict[str, Any] | None = None) -> ArtifactRef:
    """Exports a fitted scikit-learn model or Pipeline to ONNX (skl2onnx, one graph input per column of
    `sample`, probabilities as a plain tensor) and stores it with its manifest. `sample`: a few rows of
    the training features, as prepare_features() returned them."""
    try:
        from skl2onnx import to_onnx
    except ImportError:
        raise ConfigError("exporting to ONNX needs skl2onnx: pip install 'cairn-steps[sklearn]'") from None
    estimator = model.steps[-1][1] if hasattr(model, "steps") else model
    options = {id(estimator): {"zipmap": False}} if task == "classification" else None
    onnx_model = to_onnx(model, sample[:1], options=options, target_opset=17)
    graph_inputs = [i.name for i in onnx_model.graph.input]
    features = feature_kinds(sample)
    if len(graph_inputs) != len(features):
        raise ConfigError(f"the ONNX graph has {len(graph_inputs)} inputs for {len(features)} feature columns")
    outputs = [o.name for o in onnx_model.graph.output]
    return save_onnx_model(
        store,
        onnx_model.SerializeToString(),
        task=task,
        target=target,
        features=features,
        labels=list(getattr(estimator, "classes_", [])) if task == "classification" else None,
        algorithm=f"sklearn:{type(estimator).__name__}",
        hyperparameters=hyperparameters if hyperparameters is not None else _plain_params(estimator),
        inputs=graph_inputs,
        probabilities_output=outputs[-1] if task == "classification" else "probabilities",
        value_output=outputs[0],
    )


def _plain_params(estimator) -> dict[str, Any]:
    return {k: v for k, v in estimator.get_params(deep=False).items() if isinstance(v, (str, int, float, bool)) or v is None}
