"""Trains the breast-cancer model with scikit-learn and exports it to ONNX for mlci.

The founding document's own function, adapted to mlci's contract (trainer: external): a
RandomForestClassifier(n_estimators=100, random_state=42) behind a preprocessing pipeline, so the
exported graph takes the raw columns. mlci owns the data split (it hands over the training rows
only, in MLCI_TRAIN_DATA) and the evaluation (it scores the test rows through ONNX Runtime, the
runtime that serves this model), so there is no train_test_split here.
"""
import json
import os

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from skl2onnx import to_onnx

features = json.loads(os.environ["MLCI_FEATURES"])
target = os.environ["MLCI_TARGET"]
params = json.loads(os.environ["MLCI_PARAMS"])
seed = int(os.environ["MLCI_SEED"])
out = os.environ["MLCI_OUTPUT"]

train = pd.read_csv(os.environ["MLCI_TRAIN_DATA"])
# float32: the precision of scikit-learn's trees and of ONNX Runtime's tree and imputer operators,
# so the exported graph computes exactly what the native model does (the parity check holds it).
X = train[features].astype(np.float32)
y = train[target].astype(str)

model = Pipeline(
    [
        (
            "preprocess",
            ColumnTransformer(
                [("numeric", SimpleImputer(strategy="median"), features)]
            ),
        ),
        (
            "forest",
            RandomForestClassifier(
                n_estimators=int(params.get("n_estimators", 100)),
                max_depth=params.get("max_depth"),
                random_state=seed,
                n_jobs=1,
            ),
        ),
    ]
)
model.fit(X, y)
print(f"trained on {len(X)} rows, {len(features)} features, classes {list(model.classes_)}")

# One input per raw column (skl2onnx names them after the DataFrame's columns); probabilities as
# skl2onnx's ZipMap, whose keys name the classes.
onnx_model = to_onnx(model, X[:1], target_opset={"": 17, "ai.onnx.ml": 3})
with open(os.path.join(out, "model.onnx"), "wb") as f:
    f.write(onnx_model.SerializeToString())

# The native model's scores on the training rows: mlci's parity check compares them with the
# exported graph's, which catches a conversion error.
proba = model.predict_proba(X)
native = pd.DataFrame(proba, columns=list(model.classes_))
native.insert(0, "id", train[os.environ["MLCI_ID"]])
native["label"] = model.predict(X)
native.to_csv(os.path.join(out, "train_predictions.csv"), index=False, float_format="%.17g")

with open(os.path.join(out, "metrics.json"), "w") as f:
    json.dump({"train_accuracy": float((model.predict(X) == y).mean())}, f)
