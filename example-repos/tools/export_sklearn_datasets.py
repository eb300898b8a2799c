#!/usr/bin/env python3
"""Exports the small public data sets that scikit-learn's package carries into the example repositories.

Run once (output is committed); rerun to regenerate byte-identical files:

    python3 example-repos/tools/export_sklearn_datasets.py

The files come from the copies inside the installed scikit-learn package (sklearn/datasets/data/), read with
scikit-learn's own loaders, so no network access is needed. Sources and licences are in each example's README.
"""
import csv
import pathlib

import sklearn
from sklearn import datasets

ROOT = pathlib.Path(__file__).resolve().parent.parent


def fmt(x):
    """Shortest decimal that round-trips the float, without a trailing '.0' for integers."""
    r = repr(float(x))
    return r[:-2] if r.endswith(".0") else r


def write(path, header, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    print(f"wrote {path.relative_to(ROOT)}: {len(rows)} rows")


def main():
    bc = datasets.load_breast_cancer()
    write(
        ROOT / "breast-cancer" / "data" / "breast_cancer.csv",
        ["sample_id"] + list(bc.feature_names) + ["diagnosis"],
        [[f"bc-{i + 1:04d}"] + [fmt(v) for v in x] + [bc.target_names[y]] for i, (x, y) in enumerate(zip(bc.data, bc.target))],
    )
    iris = datasets.load_iris()
    write(
        ROOT / "iris" / "data" / "iris.csv",
        list(iris.feature_names) + ["species"],
        [[fmt(v) for v in x] + [iris.target_names[y]] for x, y in zip(iris.data, iris.target)],
    )
    wine = datasets.load_wine()
    write(
        ROOT / "wine" / "data" / "wine.csv",
        list(wine.feature_names) + ["cultivar"],
        [[fmt(v) for v in x] + [wine.target_names[y]] for x, y in zip(wine.data, wine.target)],
    )
    diabetes = datasets.load_diabetes(scaled=False)
    names = ["age", "sex", "bmi", "bp", "s1_tc", "s2_ldl", "s3_hdl", "s4_tch", "s5_ltg", "s6_glu"]
    write(
        ROOT / "diabetes" / "data" / "diabetes.csv",
        ["patient_id"] + names + ["progression"],
        [[f"p-{i + 1:03d}"] + [fmt(v) for v in x] + [fmt(y)] for i, (x, y) in enumerate(zip(diabetes.data, diabetes.target))],
    )
    print(f"source: scikit-learn {sklearn.__version__}")


if __name__ == "__main__":
    main()
