"""The serving image's drift metrics, checked by tools nobody here wrote (issue 19, item 5).

Sends a known shifted batch (a numeric column moved, rows with a category training never saw) through the
running model server's /invocations over HTTP, reads /metrics with the official Prometheus Python client's
parser (prometheus_client.parser.text_string_to_metric_families) and checks every mlci_feature_drift value
against scipy from the model directory's data-profile.json and the rows sent:

* numeric, exact: scipy.stats.wasserstein_distance(training quantiles, bin means, v_weights=bin counts) /
  training std, the bins cut at the training quantiles with numpy.searchsorted (within 1e-9);
* numeric, raw: scipy.stats.wasserstein_distance(training quantiles, the values sent) / std (within the
  bound the bins allow: 2 x width x count of each bin where the two CDFs may cross; reported);
* categorical: scipy.spatial.distance.jensenshannon over the training counts (listed, other) and the rows
  sent (unseen as one category training lacks), within 1e-9;
* mlci_unseen_category_total, mlci_missing_values_total and mlci_drift_rows_observed_total exactly.

Prints one JSON object: the checks and their differences; exits 1 on any failed check.
"""

import argparse
import json
import sys
import urllib.error
import urllib.request

import numpy as np
import pandas as pd
from prometheus_client.parser import text_string_to_metric_families
from scipy.spatial.distance import jensenshannon
from scipy.stats import wasserstein_distance

TOLERANCE = 1e-9


def post(url, body):
    req = urllib.request.Request(
        url + "/invocations", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read())
    except urllib.error.HTTPError as e:
        sys.exit("POST /invocations: HTTP %d %s" % (e.code, e.read().decode()))


def scrape(url):
    with urllib.request.urlopen(url + "/metrics", timeout=60) as r:
        text = r.read().decode()
    samples = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            samples.setdefault(s.name, []).append((s.labels, s.value))
    return samples


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--shift", required=True, help="numeric column to shift by 1.5 training std")
    ap.add_argument("--category", required=True, help="categorical column to give an unseen level")
    args = ap.parse_args()

    profile = json.load(open(args.model_dir + "/data-profile.json"))
    assert profile["schema"] == "mlci.profile/v1", profile["schema"]
    train = {c["name"]: c for c in profile["splits"]["train"]["features"]}
    features = json.load(open(args.model_dir + "/features.json"))
    columns = [c["name"] for c in features["columns"]]

    df = pd.read_csv(args.data, dtype=str, keep_default_na=False)[columns]
    shift = 1.5 * train[args.shift]["std"]
    df[args.shift] = (df[args.shift].astype(float) + shift).map(repr)
    new_level = "never-seen"
    df.loc[df.index % 9 == 0, args.category] = new_level
    rows = []
    kinds = {c["name"]: c["kind"] for c in features["columns"]}
    for rec in df.itertuples(index=False):
        row = []
        for name, v in zip(columns, rec):
            if v is None or v == "":
                row.append(None)
            elif kinds[name] == "numeric":
                row.append(float(v))
            else:
                row.append(v)
        rows.append(row)
    post(args.url, {"dataframe_split": {"columns": columns, "data": rows}})

    samples = scrape(args.url)
    drift = {
        (l["feature"], l["statistic"]): v
        for l, v in samples.get("mlci_feature_drift", [])
        if l["model"] == args.model
    }
    checks = []
    failed = []

    def check(name, got, want, tol):
        diff = abs(got - want)
        ok = diff <= tol
        checks.append({"check": name, "mlci": got, "reference": want, "difference": diff, "tolerance": tol,
                       "ok": bool(ok)})
        if not ok:
            failed.append(name)

    for name in columns:
        ref = train.get(name)
        if ref is None:
            continue
        values = [r[columns.index(name)] for r in rows]
        present = [v for v in values if v is not None]
        if ref["kind"] == "number":
            got = drift.get((name, "normed_wasserstein"))
            if got is None:
                failed.append("no mlci_feature_drift for " + name)
                continue
            q = np.asarray(ref["quantiles"], dtype=float)
            x = np.asarray(present, dtype=float)
            scale = ref["std"] if ref["std"] > 0 else 1.0
            b = np.searchsorted(q, x, side="right")
            counts = np.bincount(b, minlength=len(q) + 1).astype(float)
            sums = np.bincount(b, weights=x, minlength=len(q) + 1)
            keep = counts > 0
            means = sums[keep] / counts[keep]
            exact = wasserstein_distance(q, means, u_weights=None, v_weights=counts[keep]) / scale
            check("normed_wasserstein(" + name + ") on its bins", got, exact, TOLERANCE)
            raw = wasserstein_distance(q, x) / scale
            # Below the first and above the last quantile the training CDF is 0 and 1: no crossing there.
            bound = 2 * float(np.sum(np.diff(q) * counts[1:-1])) / max(1, len(x)) / scale
            check("normed_wasserstein(" + name + ") on the raw rows", got, raw, min(bound, 0.05))
        else:
            got = drift.get((name, "jensen_shannon"))
            if got is None:
                failed.append("no mlci_feature_drift for " + name)
                continue
            listed = list(ref["categories"].keys())
            p = [ref["categories"][c] for c in listed] + [0, ref["other"]]
            known = set(next(c for c in features["columns"] if c["name"] == name)["levels"])
            qv = [sum(1 for v in present if v == c) for c in listed]
            qv.append(sum(1 for v in present if v not in known))
            qv.append(sum(1 for v in present if v in known and v not in ref["categories"]))
            check("jensen_shannon(" + name + ")", got, float(jensenshannon(p, qv)), TOLERANCE)
            unseen = {l["feature"]: v for l, v in samples.get("mlci_unseen_category_total", [])}
            check("unseen(" + name + ")", unseen.get(name, -1), qv[-2], 0)
        missing = {l["feature"]: v for l, v in samples.get("mlci_missing_values_total", [])}
        check("missing(" + name + ")", missing.get(name, -1), len(values) - len(present), 0)

    observed = [v for l, v in samples.get("mlci_drift_rows_observed_total", []) if l["model"] == args.model]
    check("rows observed", observed[0] if observed else -1, len(rows), 0)
    window = [v for l, v in samples.get("mlci_drift_window_rows", []) if l["model"] == args.model]
    check("window rows", window[0] if window else -1, len(rows), len(rows) * 1e-3)
    print(json.dumps({"rows": len(rows), "shift": shift, "checks": checks, "failed": failed}, indent=1))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
