#!/usr/bin/env python3
"""mlci's linear trainers against scikit-learn on every example data set, on the same rows.

For each example it copies the repository, sets the trainer (logistic for classification, linear for
regression, default parameters), runs `mlci train` and `mlci evaluate`, and then fits scikit-learn on the
same training rows (every row whose id is not among mlci's test predictions) and the same features: the
columns encoded as mlci's model/features.json says (numeric: (x - center) / scale, categorical: one-hot over
the training levels). Classification: LogisticRegression() (lbfgs, C=1, L2 on the weights, intercept not
penalised; max_iter raised to 10,000 so that it converges; tol stays at its default 1e-4, and a second fit at tol 1e-10 shows
how far both sides are from the exact optimum). Regression: LinearRegression(). Both sides' metrics
are computed here, by scikit-learn's metric functions, from mlci's predictions.csv and scikit-learn's
predictions on the same test rows.

  python3 bench/train-evaluate/examples_vs_sklearn.py action-runner/target/mlci.jar OUT_DIR [--json FILE]

Prints a markdown table; exits 1 when a difference exceeds 0.002 (ROC AUC, log loss) or 0.002 relative (RMSE).
"""
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import log_loss, mean_squared_error, r2_score, roc_auc_score

ROOT = Path(__file__).resolve().parents[2]
# (example, task, trainer): every example data set; classification ones with mlci's default logistic
# (binary and multinomial), regression with linear.
EXAMPLES = [
    ("breast-cancer", "classification", "logistic"),
    ("iris", "classification", "logistic"),
    ("wine", "classification", "logistic"),
    ("diabetes", "regression", "linear"),
    ("penguins", "classification", "logistic"),  # categories (one-hot), missing: drop
]
TOLERANCE = 0.002


def prepare(example, trainer, work):
    """A copy of the example with `trainer` and default parameters, and an id column if it has none."""
    src = ROOT / "example-repos" / example
    dst = work / example
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("mlci-out"))
    yaml = (dst / "ml.yaml").read_text()
    # model.trainer and no model.params (mlci's defaults: C=1 / alpha=0).
    yaml = re.sub(r"(?m)^  trainer: .*$", f"  trainer: {trainer}", yaml)
    yaml = re.sub(r"(?m)^  params:\n(    .*\n)+", "", yaml)
    if not re.search(r"(?m)^  id: ", yaml):
        data = re.search(r"(?m)^  path: (.*)$", yaml).group(1).strip()
        frame = pd.read_csv(dst / data, dtype=str, keep_default_na=False)
        frame.insert(0, "mlci_row", [f"r{i}" for i in range(len(frame))])
        frame.to_csv(dst / data, index=False)
        yaml = re.sub(r"(?m)^(  target: .*)$", r"\1\n  id: mlci_row", yaml, count=1)
    (dst / "ml.yaml").write_text(yaml)
    return dst


def mlci(jar, repo, step):
    t = time.perf_counter()
    r = subprocess.run(["java", "-jar", str(jar), step, str(repo), "--json", "--progress", "none"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"mlci {step} {repo} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    return json.loads(r.stdout)[step], time.perf_counter() - t


def design(frame, features):
    """The matrix mlci's model sees, per its features.json."""
    cols = []
    for c in features["columns"]:
        if c["kind"] == "CATEGORICAL" or c["kind"] == "categorical":
            values = frame[c["name"]].astype(str)
            for level in c["levels"]:
                cols.append((values == level).astype(float).to_numpy())
        else:
            x = pd.to_numeric(frame[c["name"]]).to_numpy(dtype=float)
            cols.append((x - c["center"]) / c["scale"])
    return np.column_stack(cols)


def compare(jar, work, example, task, trainer):
    repo = prepare(example, trainer, work)
    train, train_s = mlci(jar, repo, "train")
    evaluate, eval_s = mlci(jar, repo, "evaluate")
    out = repo / "mlci-out"
    features = json.loads((out / "model" / "features.json").read_text())
    cfg = repo / "ml.yaml"
    data = re.search(r"(?m)^  path: (.*)$", cfg.read_text()).group(1).strip()
    idcol = re.search(r"(?m)^  id: (.*)$", cfg.read_text()).group(1).strip()
    target = features["target"]["name"]
    frame = pd.read_csv(repo / data, dtype=str, keep_default_na=False)
    pred = pd.read_csv(out / "eval" / "predictions.csv", dtype={"id": str})
    test_ids = list(pred["id"])
    by_id = frame.set_index(idcol)
    test = by_id.loc[test_ids]
    train_rows = by_id.drop(index=test_ids)
    # missing: drop: rows with a missing cell (mlci's default na_values "" and "NA") in a column the model
    # uses are in neither set.
    used = [c["name"] for c in features["columns"]] + [target]
    train_rows = train_rows[~train_rows[used].isin(["", "NA"]).any(axis=1)]
    provenance_rows = json.loads((out / "model" / "provenance.json").read_text())["training_examples"]
    if len(train_rows) != provenance_rows:
        sys.exit(f"{example}: {len(train_rows)} training rows here, mlci trained on {provenance_rows}")
    x_train, x_test = design(train_rows, features), design(test, features)
    provenance = json.loads((out / "model" / "provenance.json").read_text())
    instance = json.dumps(provenance)
    iterations = re.search(r'"iterations"\s*:\s*\{\s*"value"\s*:\s*"(\d+)"', instance)
    row = {"example": example, "trainer": trainer, "train_rows": len(train_rows), "test_rows": len(test),
           "mlci_train_s": round(train_s, 2), "mlci_evaluate_s": round(eval_s, 2),
           "iterations": int(iterations.group(1)) if iterations else None}
    if task == "classification":
        classes = sorted(train_rows[target].unique())
        t = time.perf_counter()
        sk = LogisticRegression(max_iter=10000).fit(x_train, train_rows[target])
        row["sklearn_fit_s"] = round(time.perf_counter() - t, 3)
        row["sklearn_iterations"] = int(np.max(sk.n_iter_))
        sk_proba = sk.predict_proba(x_test)
        # scikit-learn run to its optimum (tol 1e-10): how close each side is to the exact solution.
        tight = LogisticRegression(tol=1e-10, max_iter=100000).fit(x_train, train_rows[target])
        row["max_proba_difference_vs_exact"] = float(np.max(np.abs(
            pred[[f"proba_{c}" for c in tight.classes_]].to_numpy() - tight.predict_proba(x_test))))
        mlci_proba = pred[[f"proba_{c}" for c in sk.classes_]].to_numpy()
        y = test[target].to_numpy()
        positive = features["target"].get("positiveClass") or features["target"].get("positive_class")
        if len(classes) == 2:
            pos = positive if positive in classes else classes[1]
            k = list(sk.classes_).index(pos)
            auc = lambda p: roc_auc_score(y == pos, p[:, k])
        else:
            auc = lambda p: roc_auc_score(y, p, multi_class="ovr", labels=sk.classes_)
        row.update(mlci_roc_auc=auc(mlci_proba), sklearn_roc_auc=auc(sk_proba),
                   mlci_log_loss=log_loss(y, mlci_proba, labels=sk.classes_),
                   sklearn_log_loss=log_loss(y, sk_proba, labels=sk.classes_),
                   max_proba_difference=float(np.max(np.abs(mlci_proba - sk_proba))))
        row["ok"] = (abs(row["mlci_roc_auc"] - row["sklearn_roc_auc"]) <= TOLERANCE
                     and abs(row["mlci_log_loss"] - row["sklearn_log_loss"]) <= TOLERANCE)
    else:
        t = time.perf_counter()
        sk = LinearRegression().fit(x_train, pd.to_numeric(train_rows[target]))
        row["sklearn_fit_s"] = round(time.perf_counter() - t, 3)
        y = pd.to_numeric(test[target]).to_numpy()
        mine = pred["prediction"].to_numpy(dtype=float)
        theirs = sk.predict(x_test)
        row.update(mlci_rmse=float(np.sqrt(mean_squared_error(y, mine))),
                   sklearn_rmse=float(np.sqrt(mean_squared_error(y, theirs))),
                   mlci_r2=r2_score(y, mine), sklearn_r2=r2_score(y, theirs),
                   max_prediction_difference=float(np.max(np.abs(mine - theirs))))
        row["ok"] = abs(row["mlci_rmse"] - row["sklearn_rmse"]) <= TOLERANCE * row["sklearn_rmse"]
    return row


def main():
    jar, work = Path(sys.argv[1]), Path(sys.argv[2])
    work.mkdir(parents=True, exist_ok=True)
    rows = [compare(jar, work, *e) for e in EXAMPLES]
    print(f"scikit-learn {sklearn.__version__}")
    print()
    print("| example | trainer | train / test rows | mlci ROC AUC | sklearn ROC AUC | mlci log loss | sklearn log loss "
          "| max abs proba diff (vs sklearn tol 1e-10) | mlci iterations | sklearn iterations | mlci train + evaluate (s) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        if "mlci_roc_auc" in r:
            print(f"| {r['example']} | {r['trainer']} | {r['train_rows']} / {r['test_rows']} "
                  f"| {r['mlci_roc_auc']:.4f} | {r['sklearn_roc_auc']:.4f} | {r['mlci_log_loss']:.4f} "
                  f"| {r['sklearn_log_loss']:.4f} | {r['max_proba_difference']:.1e} ({r['max_proba_difference_vs_exact']:.1e}) "
                  f"| {r['iterations']} "
                  f"| {r['sklearn_iterations']} | {r['mlci_train_s']} + {r['mlci_evaluate_s']} |")
    print()
    print("| example | trainer | train / test rows | mlci RMSE | sklearn RMSE | mlci R² | sklearn R² "
          "| max abs prediction diff | mlci train + evaluate (s) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        if "mlci_rmse" in r:
            print(f"| {r['example']} | {r['trainer']} | {r['train_rows']} / {r['test_rows']} "
                  f"| {r['mlci_rmse']:.4f} | {r['sklearn_rmse']:.4f} | {r['mlci_r2']:.4f} | {r['sklearn_r2']:.4f} "
                  f"| {r['max_prediction_difference']:.1e} | {r['mlci_train_s']} + {r['mlci_evaluate_s']} |")
    if "--json" in sys.argv:
        Path(sys.argv[sys.argv.index("--json") + 1]).write_text(json.dumps(rows, indent=2))
    bad = [r["example"] for r in rows if not r["ok"]]
    if bad:
        print(f"\nbeyond {TOLERANCE}: {', '.join(bad)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
