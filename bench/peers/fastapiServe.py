"""The example's penguins model served the way a Python team would write it by hand: FastAPI under
uvicorn (one worker), POST /predict taking `{"instance": {...}}` like Cairn's route and answering the
predicted class with each class's probability. For `npm run bench -- predict`.

    python fastapiServe.py <penguins.json> <port>"""

from __future__ import annotations

import sys

from exampleModel import fit_example_model


def main() -> None:
    import pandas as pd
    import uvicorn
    from fastapi import FastAPI

    model, x = fit_example_model(sys.argv[1])
    columns = list(x.columns)
    classes = [str(c) for c in model.classes_]
    app = FastAPI()

    @app.post("/predict")
    def predict(body: dict) -> dict:
        row = pd.DataFrame([[body["instance"].get(c) for c in columns]], columns=columns)
        probabilities = model.predict_proba(row)[0]
        return {"label": classes[int(probabilities.argmax())], "probabilities": dict(zip(classes, map(float, probabilities)))}

    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
