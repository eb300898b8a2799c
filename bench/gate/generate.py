#!/usr/bin/env python3
"""Writes 100,000 paired predictions (id, truth, baseline score, candidate score) for the gate benchmark.

The two models share most of their signal (paired errors correlate, as for a baseline and a candidate of the same
task); scores are rounded to 4 decimals so ties occur, as they do in real models. Seeded: same file every run.
An optional third argument is the candidate's own noise (default 0.5, the baseline's): 1.0 makes a clearly worse
candidate, a build whose rules FAIL (then the gate's randomization test runs as well).
"""
import sys

import numpy as np

n = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
rng = np.random.default_rng(7)
truth = rng.integers(0, 2, size=n)
signal = truth * 1.2 + rng.normal(size=n)
base = 1 / (1 + np.exp(-(signal + rng.normal(scale=0.5, size=n) - 0.6)))
cand_noise = float(sys.argv[3]) if len(sys.argv) > 3 else 0.5
cand = 1 / (1 + np.exp(-(signal + rng.normal(scale=cand_noise, size=n) - 0.58)))
with open(sys.argv[1], "w") as f:
    f.write("id,truth,baseline,candidate\n")
    for i in range(n):
        f.write(f"e{i},{truth[i]},{base[i]:.4f},{cand[i]:.4f}\n")
print(f"wrote {sys.argv[1]}: {n} paired predictions")
