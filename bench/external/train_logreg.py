"""The benchmark's training script (trainer: external contract): StandardScaler + LogisticRegression,
exported with skl2onnx as one float tensor [N, F]; writes train_predictions.csv for the parity check."""
import json
import os

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from skl2onnx import to_onnx

features = json.loads(os.environ["MLCI_FEATURES"])
out = os.environ["MLCI_OUTPUT"]
train = pd.read_csv(os.environ["MLCI_TRAIN_DATA"])
X = train[features].to_numpy(dtype=np.float32)
y = train[os.environ["MLCI_TARGET"]].astype(str)
model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)).fit(X, y)
onx = to_onnx(model, X[:1], options={"zipmap": False}, target_opset={"": 17, "ai.onnx.ml": 3})
with open(os.path.join(out, "model.onnx"), "wb") as f:
    f.write(onx.SerializeToString())
native = pd.DataFrame(model.predict_proba(X), columns=list(model.classes_))
native.insert(0, "id", train[os.environ["MLCI_ID"]])
native.to_csv(os.path.join(out, "train_predictions.csv"), index=False, float_format="%.9g")
