#!/usr/bin/env python3
"""The gate's paired bootstrap, vectorised with NumPy: the same scheme as mlci's Bootstrap.paired (resample n
example indices with replacement, evaluate both models on the same draw, percentile interval of the differences),
for ROC AUC (ties count half) and accuracy. Prints JSON with the best-of-repeats compute time per metric.

    numpy_bootstrap.py PAIRS.csv [RESAMPLES] [REPEATS]
"""
import json
import sys
import time

import numpy as np

BATCH = 50


def ranked(scores, positive):
    order = np.argsort(scores, kind="stable")
    s = scores[order]
    starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
    return order, positive[order], starts


def auc(counts, ranking):
    order, pos, starts = ranking
    w = counts[:, order]
    gp = np.add.reduceat(w * pos, starts, axis=1)
    gn = np.add.reduceat(w * ~pos, starts, axis=1)
    before = np.cumsum(gn, axis=1) - gn
    area = (gp * (before + 0.5 * gn)).sum(axis=1)
    return area / (gp.sum(axis=1) * gn.sum(axis=1))


def bootstrap(metric, truth, base, cand, resamples, seed=42):
    n = truth.size
    positive = truth == 1
    if metric == "roc_auc":
        rb, rc = ranked(base, positive), ranked(cand, positive)
        value = lambda counts, r: auc(counts, r)
    else:
        rb = ((base >= 0.5) == positive).astype(np.float64)
        rc = ((cand >= 0.5) == positive).astype(np.float64)
        value = lambda counts, r: counts @ r / n
    rng = np.random.default_rng(seed)
    deltas = np.empty(resamples)
    offsets = (np.arange(BATCH) * n)[:, None]
    for start in range(0, resamples, BATCH):
        b = min(BATCH, resamples - start)
        idx = rng.integers(0, n, size=(b, n))
        counts = np.bincount((offsets[:b] + idx).ravel(), minlength=b * n).reshape(b, n).astype(np.float64)
        deltas[start:start + b] = value(counts, rc) - value(counts, rb)
    return np.quantile(deltas, [0.025, 0.975])


def main():
    data = np.genfromtxt(sys.argv[1], delimiter=",", skip_header=1, usecols=(1, 2, 3))
    truth, base, cand = data[:, 0].astype(int), data[:, 1], data[:, 2]
    resamples = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    out = {"n": int(truth.size), "resamples": resamples, "numpy": np.__version__}
    for metric in ("roc_auc", "accuracy"):
        best = float("inf")
        for _ in range(repeats):
            t0 = time.perf_counter()
            lo, hi = bootstrap(metric, truth, base, cand, resamples)
            best = min(best, time.perf_counter() - t0)
        out[metric] = {"seconds": best, "interval": [float(lo), float(hi)]}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
