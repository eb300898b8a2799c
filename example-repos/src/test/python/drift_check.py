#!/usr/bin/env python3
"""Independent reference values for mlci's data gate statistics, with numpy and scipy.

  drift_check.py CASES.json
      CASES.json: {"numbers": [{"u": [...], "v": [...], "k": K}, ...],
                   "weighted": [{"u": [...], "wu": [...], "v": [...], "wv": [...]}, ...],
                   "categories": [{"p": [...], "q": [...]}, ...]}
      prints {"numbers": [{"w": scipy.stats.wasserstein_distance(u, v),
                           "qu": numpy.quantile(u, (i + 0.5) / K), "qv": ..., "std_u": numpy.std(u),
                           "w_sketch": wasserstein_distance(qu, qv),
                           "normed": wasserstein_distance(qu, qv) / numpy.std(u), null when std is 0}, ...],
              "weighted": [wasserstein_distance(u, v, wu, wv), ...],
              "categories": [scipy.spatial.distance.jensenshannon(p, q), ...]}
"""
import json
import sys

import numpy as np
from scipy.spatial.distance import jensenshannon
from scipy.stats import wasserstein_distance


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    out = {"numbers": [], "weighted": [], "categories": []}
    for c in cases["numbers"]:
        u = np.asarray(c["u"], dtype=np.float64)
        v = np.asarray(c["v"], dtype=np.float64)
        probs = (np.arange(c["k"]) + 0.5) / c["k"]
        qu = np.quantile(u, probs)
        qv = np.quantile(v, probs)
        ws = wasserstein_distance(qu, qv)
        out["numbers"].append(
            {
                "w": wasserstein_distance(u, v),
                "qu": qu.tolist(),
                "qv": qv.tolist(),
                "std_u": float(np.std(u)),
                "w_sketch": ws,
                "normed": ws / float(np.std(u)) if np.std(u) > 0 else None,
            }
        )
    for c in cases["weighted"]:
        out["weighted"].append(wasserstein_distance(c["u"], c["v"], c["wu"], c["wv"]))
    for c in cases["categories"]:
        out["categories"].append(float(jensenshannon(c["p"], c["q"])))
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
