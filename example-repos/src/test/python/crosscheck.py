#!/usr/bin/env python3
"""Independent reference computations for mlci's tests, with scikit-learn and onnxruntime.

  crosscheck.py metrics PREDICTIONS.csv TASK [POSITIVE_CLASS]
      prints {"metric": value, ...} computed by sklearn.metrics from a predictions.csv written by mlci
  crosscheck.py mcnemar TABLES.json
      prints [{"p_uncorrected": p, "lo": lo, "hi": hi}, ...] per [[a, b], [c, d]] table: statsmodels'
      McNemar chi-squared p-value without continuity correction (the square of Tango's score statistic
      at 0), and the 95% Tango score interval for the paired accuracy difference (c - b) / n with a
      continuity correction of 1/2, written here from Tango (1998), Stat. Med. 17:891-908
  crosscheck.py paired PAIRS.csv RESAMPLES
      PAIRS.csv: truth, base_score, cand_score (binary, positive = 1). Prints {"auc_delta", "delong_se"}: DeLong,
      DeLong and Clarke-Pearson (1988) paired AUC difference and its standard error, written here from the paper
      (structural components), and {"acc_lo", "acc_hi"}: scipy.stats.bootstrap's paired percentile interval of the
      accuracy difference (threshold 0.5), and {"acc_bca_lo", "acc_bca_hi"}: the same with BCa
  crosscheck.py onnx MODEL.onnx FEATURES.json DATA.csv ID_COLUMN PREDICTIONS.csv
      prints {"max_abs_diff": d, "rows": n}: the ONNX model run by onnxruntime on the test rows,
      compared with mlci's predictions (probabilities, scores or values)

Class order is taken from the proba_/score_ column order, which is mlci's class order.
"""
import json
import sys

import numpy as np
import pandas as pd
from sklearn import metrics as m


def classification(df, positive):
    prob_cols = [c for c in df.columns if c.startswith("proba_")]
    score_cols = [c for c in df.columns if c.startswith("score_")]
    cols = prob_cols or score_cols
    classes = [c.split("_", 1)[1] for c in cols]
    y = df["truth"].astype(str).to_numpy()
    p = df["prediction"].astype(str).to_numpy()
    s = df[cols].to_numpy(dtype=np.float64)
    out = {
        "accuracy": m.accuracy_score(y, p),
        "balanced_accuracy": m.balanced_accuracy_score(y, p),
        "precision_macro": m.precision_score(y, p, average="macro", zero_division=0),
        "recall_macro": m.recall_score(y, p, average="macro", zero_division=0),
        "f1_macro": m.f1_score(y, p, average="macro", zero_division=0),
    }
    if len(classes) == 2:
        pos = classes.index(positive)
        if len(set(y)) == 2:
            out["roc_auc"] = m.roc_auc_score(y == positive, s[:, pos])
    elif prob_cols and set(y) == set(classes):
        out["roc_auc"] = m.roc_auc_score(y, s, multi_class="ovr", average="macro", labels=classes)
    if prob_cols:
        out["log_loss"] = m.log_loss(y, s, labels=classes)
    return out


def regression(df):
    y = df["truth"].to_numpy(dtype=np.float64)
    f = df["prediction"].to_numpy(dtype=np.float64)
    return {
        "rmse": m.root_mean_squared_error(y, f),
        "mae": m.mean_absolute_error(y, f),
        "r2": m.r2_score(y, f),
    }


def onnx_check(model, features, data, id_column, predictions):
    import onnxruntime as ort

    spec = json.load(open(features, encoding="utf-8"))
    columns = [c["name"] for c in spec["columns"]]
    rows = pd.read_csv(data, dtype={id_column: str}).set_index(id_column)
    pred = pd.read_csv(predictions, dtype={"id": str})
    x = rows.loc[pred["id"], columns].to_numpy(dtype=np.float64)
    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    cols = [c for c in pred.columns if c.startswith(("proba_", "score_"))] or ["prediction"]
    # One [N, 1] output per column of predictions.csv, named like it.
    names = [o.name for o in session.get_outputs()]
    assert names == cols, f"ONNX outputs {names} are not the columns {cols}"
    got = np.hstack(session.run(None, {"input": x}))
    want = pred[cols].to_numpy(dtype=np.float64)
    return {"max_abs_diff": float(np.abs(got - want).max()), "rows": int(len(pred))}


def tango_interval(b, c, n, confidence=0.95, cc=0.5):
    """Tango's score interval for p21 - p12 (paired proportions), by root finding with scipy."""
    from scipy.optimize import brentq
    from scipy.stats import norm

    z = norm.ppf(1 - (1 - confidence) / 2)

    def score(d):
        # Restricted MLE of p12 under p21 - p12 = d: root of 2n p^2 + B p + C = 0 (Tango, eq. 3).
        a2 = 2.0 * n
        bq = -(b + c) + (2.0 * n + b - c) * d
        cq = -b * d * (1 - d)
        p12 = (np.sqrt(max(0.0, bq * bq - 4 * a2 * cq)) - bq) / (2 * a2)
        var = n * (2 * p12 + d - d * d)
        num = c - b - n * d
        num = np.sign(num) * max(0.0, abs(num) - cc)
        if var <= 0:
            return 0.0 if num == 0 else np.sign(num) * np.inf
        return num / np.sqrt(var)

    est = (c - b) / n
    eps = 1e-12
    lo = -1.0 if score(-1 + eps) <= z else brentq(lambda d: score(d) - z, -1 + eps, est, xtol=1e-13)
    hi = 1.0 if score(1 - eps) >= -z else brentq(lambda d: score(d) + z, est, 1 - eps, xtol=1e-13)
    return lo, hi


def delong_paired(truth, a, b):
    """DeLong et al. (1988): AUC_b - AUC_a and its standard error from the structural components."""
    pos, neg = truth == 1, truth == 0

    def components(s):
        x, y = s[pos], s[neg]
        # psi(x, y) = 1 if x > y, 1/2 if equal, 0 otherwise
        psi = (x[:, None] > y[None, :]) + 0.5 * (x[:, None] == y[None, :])
        return psi.mean(), psi.mean(axis=1), psi.mean(axis=0)

    auc_a, v10_a, v01_a = components(a)
    auc_b, v10_b, v01_b = components(b)
    s10 = np.cov(np.vstack([v10_a, v10_b]))
    s01 = np.cov(np.vstack([v01_a, v01_b]))
    m, n = pos.sum(), neg.sum()
    contrast = np.array([-1.0, 1.0])
    var = contrast @ s10 @ contrast / m + contrast @ s01 @ contrast / n
    return float(auc_b - auc_a), float(np.sqrt(var))


def paired_checks(path, resamples):
    from scipy import stats

    df = pd.read_csv(path)
    truth = df["truth"].to_numpy()
    a = df["base_score"].to_numpy(dtype=np.float64)
    b = df["cand_score"].to_numpy(dtype=np.float64)
    delta, se = delong_paired(truth, a, b)
    right_a = ((a >= 0.5).astype(int) == truth).astype(float)
    right_b = ((b >= 0.5).astype(int) == truth).astype(float)
    out = {"auc_delta": delta, "delong_se": se}
    for method, prefix in (("percentile", "acc"), ("BCa", "acc_bca")):
        r = stats.bootstrap((right_a, right_b), lambda x, y, axis=-1: y.mean(axis=axis) - x.mean(axis=axis),
                            paired=True, vectorized=True, n_resamples=int(resamples), method=method,
                            confidence_level=0.95, random_state=np.random.default_rng(1))
        out[prefix + "_lo"] = float(r.confidence_interval.low)
        out[prefix + "_hi"] = float(r.confidence_interval.high)
    return out


def mcnemar_checks(path):
    from statsmodels.stats.contingency_tables import mcnemar

    out = []
    for t in json.load(open(path, encoding="utf-8")):
        b, c = t[0][1], t[1][0]
        n = max(1, t[0][0] + b + c + t[1][1])
        p = 1.0 if b + c == 0 else float(mcnemar(t, exact=False, correction=False).pvalue)
        lo, hi = tango_interval(b, c, n)
        out.append({"p_uncorrected": p, "lo": float(lo), "hi": float(hi)})
    return out


def main(argv):
    if argv[1] == "mcnemar":
        print(json.dumps(mcnemar_checks(argv[2])))
        return
    if argv[1] == "metrics":
        df = pd.read_csv(argv[2], dtype={"id": str, "truth": str if argv[3] == "classification" else float,
                                         "prediction": str if argv[3] == "classification" else float})
        result = classification(df, argv[4] if len(argv) > 4 else None) if argv[3] == "classification" else regression(df)
    elif argv[1] == "paired":
        result = paired_checks(argv[2], argv[3])
    elif argv[1] == "onnx":
        result = onnx_check(*argv[2:7])
    else:
        raise SystemExit(f"unknown command {argv[1]}")
    print(json.dumps({k: float(v) for k, v in result.items()}))


if __name__ == "__main__":
    main(sys.argv)
