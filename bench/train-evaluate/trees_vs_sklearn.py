"""mlci's tree trainers (random-forest, cart) against scikit-learn on every example data set, on the same rows.

Each example is copied with the trainer set and no model.params (mlci's defaults), trained and evaluated by
mlci; scikit-learn fits RandomForestClassifier/Regressor(n_estimators=100, max_features=0.5) or
DecisionTreeClassifier/Regressor(min_samples_leaf=5) (mlci's defaults) on the same training rows and scores
the same test rows. Forests are random: scikit-learn is shown for several seeds, so the spread of its own
ROC AUC is beside the difference.

    python3 bench/train-evaluate/trees_vs_sklearn.py action-runner/target/mlci.jar /tmp/trees
"""
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.metrics import mean_squared_error, roc_auc_score
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

sys.path.insert(0, str(Path(__file__).resolve().parent))
from examples_vs_sklearn import design, mlci, prepare  # noqa: E402

EXAMPLES = [("breast-cancer", "classification"), ("iris", "classification"), ("wine", "classification"),
            ("diabetes", "regression")]
SEEDS = range(5)


def peer(trainer, task, seed):
    if trainer == "random-forest":
        cls = RandomForestClassifier if task == "classification" else RandomForestRegressor
        return cls(n_estimators=100, max_features=0.5, n_jobs=-1, random_state=seed)
    cls = DecisionTreeClassifier if task == "classification" else DecisionTreeRegressor
    return cls(min_samples_leaf=5, random_state=seed)


def compare(jar, work, example, task, trainer):
    repo = prepare(example, trainer, work / trainer)
    mlci(jar, repo, "train")
    mlci(jar, repo, "evaluate")
    out = repo / "mlci-out"
    features = json.loads((out / "model" / "features.json").read_text())
    text = (repo / "ml.yaml").read_text()
    data = next(l.split(":", 1)[1].strip() for l in text.splitlines() if l.startswith("  path:"))
    idcol = next(l.split(":", 1)[1].strip() for l in text.splitlines() if l.startswith("  id:"))
    target = features["target"]["name"]
    frame = pd.read_csv(repo / data, dtype=str, keep_default_na=False).set_index(idcol)
    pred = pd.read_csv(out / "eval" / "predictions.csv", dtype={"id": str})
    test = frame.loc[list(pred["id"])]
    train = frame.drop(index=list(pred["id"]))
    x_train, x_test = design(train, features), design(test, features)
    if task == "classification":
        classes = sorted(train[target].unique())
        y = test[target].to_numpy()
        positive = features["target"].get("positiveClass") or features["target"].get("positive_class")

        def auc(p, order):
            if len(classes) == 2:
                pos = positive if positive in classes else classes[1]
                return roc_auc_score(y == pos, p[:, list(order).index(pos)])
            return roc_auc_score(y, p, multi_class="ovr", labels=list(order))

        mine = auc(pred[[f"proba_{c}" for c in classes]].to_numpy(), classes)
        theirs = []
        for s in SEEDS:
            m = peer(trainer, task, s).fit(x_train, train[target])
            theirs.append(auc(m.predict_proba(x_test), m.classes_))
        return example, trainer, "ROC AUC", mine, theirs
    y = pd.to_numeric(test[target]).to_numpy()
    mine = float(np.sqrt(mean_squared_error(y, pred["prediction"].to_numpy(dtype=float))))
    theirs = [float(np.sqrt(mean_squared_error(y, peer(trainer, task, s).fit(
        x_train, pd.to_numeric(train[target])).predict(x_test)))) for s in SEEDS]
    return example, trainer, "RMSE", mine, theirs


def main():
    jar, work = Path(sys.argv[1]), Path(sys.argv[2])
    print("| example | trainer | metric | mlci | scikit-learn, mean of 5 seeds (min–max) | mlci − mean |")
    print("|---|---|---|---|---|---|")
    for example, task in EXAMPLES:
        for trainer in ("random-forest", "cart"):
            ex, tr, metric, mine, theirs = compare(jar, work, example, task, trainer)
            print(f"| {ex} | {tr} | {metric} | {mine:.4f} | {np.mean(theirs):.4f} ({min(theirs):.4f}–{max(theirs):.4f}) "
                  f"| {mine - np.mean(theirs):+.4f} |", flush=True)


if __name__ == "__main__":
    main()
