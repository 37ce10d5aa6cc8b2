"""The example's penguins model saved in MLflow's format, for `npm run bench -- predict` to serve with
`mlflow models serve` beside Cairn's serving of the same model from ONNX.

    python mlflowModel.py <penguins.json> <model dir>"""

from __future__ import annotations

import json
import sys

from exampleModel import fit_example_model


def main() -> None:
    import mlflow.sklearn

    model, x = fit_example_model(sys.argv[1])
    # We made this file ourselves, so MLflow's skops format may load the types it cannot vet.
    mlflow.sklearn.save_model(model, sys.argv[2], skops_trusted_types=["numpy.dtype", "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor"])
    print(json.dumps({"columns": list(x.columns)}))


if __name__ == "__main__":
    main()
