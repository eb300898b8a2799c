"""A trainer: external command for bench/serve-external: the breast-cancer columns through a scikit-learn
pipeline (median imputer, standard scaler, logistic regression) exported by skl2onnx, one float input per
column and a ZipMap: the external counterpart of mlci's own linear export, for a like-for-like latency."""
import json
import os

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from skl2onnx import to_onnx

features = json.loads(os.environ["MLCI_FEATURES"])
train = pd.read_csv(os.environ["MLCI_TRAIN_DATA"])
X = train[features].astype(np.float32)
y = train[os.environ["MLCI_TARGET"]].astype(str)
numeric = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])
model = Pipeline([("pre", ColumnTransformer([("n", numeric, features)])),
                  ("lr", LogisticRegression(max_iter=1000))]).fit(X, y)
onnx_model = to_onnx(model, X[:1], target_opset={"": 17, "ai.onnx.ml": 3})
with open(os.path.join(os.environ["MLCI_OUTPUT"], "model.onnx"), "wb") as f:
    f.write(onnx_model.SerializeToString())
