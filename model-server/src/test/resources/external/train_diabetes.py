"""A trainer: external command for the model server's tests: the diabetes data, with 'sex' a
category, through a scikit-learn ColumnTransformer (one-hot for the string column, the rest
passed through), exported with skl2onnx so that the graph takes one input per column of three
types: 'sex' string, 'age' int64, the rest float.
"""
import json
import os

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder
from skl2onnx import to_onnx

features = json.loads(os.environ["MLCI_FEATURES"])
target = os.environ["MLCI_TARGET"]
out = os.environ["MLCI_OUTPUT"]

train = pd.read_csv(os.environ["MLCI_TRAIN_DATA"], dtype={"sex": str})
X = train[features].copy()
numeric = [c for c in features if c != "sex"]
X[numeric] = X[numeric].astype(np.float32)
X["age"] = X["age"].astype(np.int64)
y = train[target].astype(np.float64)

model = Pipeline(
    [
        (
            "preprocess",
            ColumnTransformer(
                [
                    ("sex", OneHotEncoder(handle_unknown="ignore"), ["sex"]),
                    ("numbers", "passthrough", numeric),
                ]
            ),
        ),
        ("ridge", Ridge(alpha=0.1)),
    ]
)
model.fit(X, y)
onnx_model = to_onnx(model, X[:1], target_opset={"": 17, "ai.onnx.ml": 3})
with open(os.path.join(out, "model.onnx"), "wb") as f:
    f.write(onnx_model.SerializeToString())
print("inputs:", [(i.name, i.type.tensor_type.elem_type) for i in onnx_model.graph.input])
