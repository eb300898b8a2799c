#!/usr/bin/env python3
"""scikit-learn's LogisticRegression on the same CSV and the same test rows as mlci (read from mlci's
predictions.csv), with the same standardisation. Prints JSON: fit+predict seconds, ROC AUC, log loss, accuracy."""
import json
import resource
import sys
import time

import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, log_loss, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

t0 = time.perf_counter()
df = pd.read_csv(sys.argv[1], dtype={"id": str})
test_ids = set(pd.read_csv(sys.argv[2], dtype={"id": str}, usecols=["id"])["id"])
is_test = df["id"].isin(test_ids)
features = [c for c in df.columns if c.startswith("f")]
train, test = df[~is_test], df[is_test]
t1 = time.perf_counter()
model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
model.fit(train[features], train["label"])
all_proba = model.predict_proba(test[features])
proba = all_proba[:, list(model.classes_).index("yes")]
t2 = time.perf_counter()
print(json.dumps({
    "read_s": t1 - t0,
    "fit_predict_s": t2 - t1,
    "roc_auc": roc_auc_score(test["label"] == "yes", proba),
    "log_loss": log_loss(test["label"], all_proba, labels=model.classes_),
    "n_iter": int(model[-1].n_iter_.max()),
    "accuracy": accuracy_score(test["label"], model.predict(test[features])),
    "test_rows": int(is_test.sum()),
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
