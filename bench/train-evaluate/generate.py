#!/usr/bin/env python3
"""Writes the benchmark data set: 100,000 rows x 20 numeric features, a binary label, an id column.

Features have different scales and offsets (so standardisation matters); the label follows a logistic model of
six of them plus noise, so the achievable ROC AUC is below 1. Seeded: the file is the same on every run.
"""
import sys

import numpy as np
import pandas as pd

rows = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
rng = np.random.default_rng(20261127)
x = rng.normal(size=(rows, 20))
scales = rng.uniform(0.1, 100.0, size=20)
offsets = rng.uniform(-50.0, 50.0, size=20)
weights = np.zeros(20)
weights[[0, 3, 5, 8, 13, 17]] = [1.5, -2.0, 1.0, 0.8, -0.5, 1.2]
logit = x @ weights - 0.3 + rng.normal(scale=1.0, size=rows)
label = np.where(logit > 0, "yes", "no")
df = pd.DataFrame(x * scales + offsets, columns=[f"f{i:02d}" for i in range(20)])
df.insert(0, "id", [f"r{i:06d}" for i in range(rows)])
df["label"] = label
df.to_csv(sys.argv[1], index=False, float_format="%.6g")
print(f"wrote {sys.argv[1]}: {rows} rows, {(label == 'yes').mean():.3f} positive")
