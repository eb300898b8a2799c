#!/usr/bin/env python3
"""scikit-learn on the same CSV and the same test rows as mlci (read from mlci's predictions.csv):
LogisticRegression with the same standardisation (argument 3 `logistic`, the default), or RandomForestClassifier /
DecisionTreeClassifier with mlci's tree defaults (`random-forest`, `cart`). Prints JSON: fit+predict seconds, ROC AUC, log loss, accuracy."""
import json
import resource
import sys
import time

import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier
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
trainer = sys.argv[3] if len(sys.argv) > 3 else "logistic"
# mlci's defaults for each trainer (ml-yaml.md): random-forest 100 trees, features per split 0.5, leaves >= 1
# example; cart leaves >= 5 examples; both unlimited depth, gini. scikit-learn uses every core (n_jobs=-1).
model = {
    "logistic": lambda: make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
    "random-forest": lambda: RandomForestClassifier(n_estimators=100, max_features=0.5, n_jobs=-1, random_state=0),
    "cart": lambda: DecisionTreeClassifier(min_samples_leaf=5, random_state=0),
}[trainer]()
model.fit(train[features], train["label"])
all_proba = model.predict_proba(test[features])
proba = all_proba[:, list(model.classes_).index("yes")]
t2 = time.perf_counter()
print(json.dumps({
    "read_s": t1 - t0,
    "fit_predict_s": t2 - t1,
    "roc_auc": roc_auc_score(test["label"] == "yes", proba),
    "log_loss": log_loss(test["label"], all_proba, labels=model.classes_),
    **({"n_iter": int(model[-1].n_iter_.max())} if trainer == "logistic" else {}),
    "model": type(model[-1] if trainer == "logistic" else model).__name__,
    "accuracy": accuracy_score(test["label"], model.predict(test[features])),
    "test_rows": int(is_test.sum()),
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
