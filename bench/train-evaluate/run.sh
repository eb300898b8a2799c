#!/usr/bin/env bash
# Benchmark: mlci train + evaluate (logistic) on a generated 100,000 x 20 data set, side by side with
# scikit-learn's LogisticRegression on the same CSV and the same test rows, in one run.
#
#   bash bench/train-evaluate/run.sh            # 100,000 rows (the recorded benchmark)
#   ROWS=10000 bash bench/train-evaluate/run.sh # a quick look
#   QUICK=1 bash bench/train-evaluate/run.sh    # 2,000 rows: does it still run?
#   TRAINER=random-forest ROWS=20000 bash bench/train-evaluate/run.sh   # trees (random-forest, cart) against
#                                               # scikit-learn's RandomForestClassifier / DecisionTreeClassifier
#   COMPARE_JAR=/tmp/base/action-runner/target/mlci.jar bash bench/train-evaluate/run.sh
#                                               # also another build's jar (e.g. main's) in the same run, on a copy
#                                               # of the repository: on a loaded machine, the fair comparison
#   MLCI_JAVA_OPTS=-Xmx8g ROWS=10000000 bash bench/train-evaluate/run.sh   # JVM options for every mlci run
#
# Needs: the built CLI (./mlci builds it), python3 with numpy, pandas, scikit-learn (.ci/requirements.txt),
# GNU time (/usr/bin/time) for wall time and peak memory of whole processes.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
work="$root/bench/out/train-evaluate"
rows="${ROWS:-100000}"
trainer="${TRAINER:-logistic}"
if [ "$quick" = 1 ]; then rows="${ROWS:-2000}"; fi
rm -rf "$work" && mkdir -p "$work/repo/data"

# The generated file is kept per size in bench/out/data (10 M rows take minutes to write) and linked in.
data="$root/bench/out/data/bench-$rows.csv"
if [ ! -s "$data" ]; then
  mkdir -p "$root/bench/out/data"
  python3 "$root/bench/train-evaluate/generate.py" "$data.tmp" "$rows" && mv "$data.tmp" "$data"
fi
ln "$data" "$work/repo/data/bench.csv" 2>/dev/null || cp "$data" "$work/repo/data/bench.csv"
cat > "$work/repo/ml.yaml" <<YAML
name: bench-logistic
task: classification
data:
  path: data/bench.csv
  target: label
  id: id
  positive_class: "yes"
  split:
    test_fraction: 0.2
model:
  trainer: $trainer   # logistic: L-BFGS, C = 1, scikit-learn's LogisticRegression objective
YAML

build action-runner   # outside the timings
jar="$root/action-runner/target/mlci.jar"

measure() { # label, command...: prints wall seconds and peak RSS (MB) of the whole process
  local label="$1"; shift
  if ! /usr/bin/time -f "%e %M" -o "$work/$label.time" "$@" > "$work/$label.out" 2> "$work/$label.err"; then
    echo "bench/train-evaluate: $label failed:" >&2; cat "$work/$label.err" >&2; return 1
  fi
  read -r wall rss < "$work/$label.time"
  echo "$label $wall $((rss / 1024))"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# shellcheck disable=SC2086 # MLCI_JAVA_OPTS is a list of options
train=$(measure train java ${MLCI_JAVA_OPTS:-} -jar "$jar" train "$work/repo" --json --progress none)
# shellcheck disable=SC2086
evaluate=$(measure evaluate java ${MLCI_JAVA_OPTS:-} -jar "$jar" evaluate "$work/repo" --json --progress none)
sk=$(measure sklearn python3 "$root/bench/train-evaluate/sklearn_baseline.py" "$work/repo/data/bench.csv" "$work/repo/mlci-out/eval/predictions.csv" "$trainer")
compare_line=""
if [ -n "${COMPARE_JAR:-}" ]; then
  mkdir -p "$work/compare/data" && cp "$work/repo/ml.yaml" "$work/compare/" && ln "$work/repo/data/bench.csv" "$work/compare/data/"
  # shellcheck disable=SC2086
  ctrain=$(measure compare-train java ${MLCI_JAVA_OPTS:-} -jar "$COMPARE_JAR" train "$work/compare" --json --progress none)
  # shellcheck disable=SC2086
  cevaluate=$(measure compare-evaluate java ${MLCI_JAVA_OPTS:-} -jar "$COMPARE_JAR" evaluate "$work/compare" --json --progress none)
  compare_line="$ctrain|$cevaluate"
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$work" "$train" "$evaluate" "$sk" "$trainer" "$compare_line" <<'PY'
import json, sys
work, train, evaluate, sk = sys.argv[1], *[s.split() for s in sys.argv[2:5]]
trainer = sys.argv[5]
compare = [c.split() for c in sys.argv[6].split("|")] if sys.argv[6] else None
t = json.load(open(f"{work}/train.out"))["train"]
e = json.load(open(f"{work}/evaluate.out"))["evaluate"]
s = json.loads(open(f"{work}/sklearn.out").read())
mlci_wall = float(train[1]) + float(evaluate[1])
mlci_rss = max(int(train[2]), int(evaluate[2]))
sk_wall = float(sk[1])
print()
print("| | wall time (whole process) | in-process time | peak memory | ROC AUC | log loss | accuracy |")
print("|---|---|---|---|---|---|---|")
print(f"| mlci train + evaluate ({trainer}) | {mlci_wall:.1f} s ({train[1]} + {evaluate[1]}) "
      f"| train {t['millis']/1000:.1f} s, evaluate {e['millis']/1000:.1f} s | {mlci_rss} MB "
      f"| {e['metrics']['roc_auc']:.4f} | {e['metrics'].get('log_loss', float('nan')):.4f} | {e['metrics']['accuracy']:.4f} |")
print(f"| scikit-learn {s['model']} | {sk_wall:.1f} s | read {s['read_s']:.1f} s, fit+predict {s['fit_predict_s']:.1f} s "
      f"| {sk[2]} MB | {s['roc_auc']:.4f} | {s['log_loss']:.4f} | {s['accuracy']:.4f} |")
if compare:
    ct, ce = compare
    cwall = float(ct[1]) + float(ce[1])
    cm = json.load(open(f"{work}/compare-evaluate.out"))["evaluate"]["metrics"]
    print(f"| the COMPARE_JAR build, same run | {cwall:.1f} s ({ct[1]} + {ce[1]}) | | {max(int(ct[2]), int(ce[2]))} MB "
          f"| {cm['roc_auc']:.4f} | {cm.get('log_loss', float('nan')):.4f} | {cm['accuracy']:.4f} |")
print()
if compare:
    print(f"this build / COMPARE_JAR build: time {mlci_wall / cwall:.2f}, "
          f"memory {mlci_rss / max(int(ct[2]), int(ce[2])):.2f}")
print(f"time ratio mlci/sklearn (whole processes): {mlci_wall / sk_wall:.2f}; "
      f"memory ratio: {mlci_rss / int(sk[2]):.2f}; "
      f"ROC AUC difference mlci - sklearn: {e['metrics']['roc_auc'] - s['roc_auc']:+.5f}; "
      f"log loss difference: {e['metrics'].get('log_loss', float('nan')) - s['log_loss']:+.5f}; "
      f"test rows {e['test_examples']} (sklearn {s['test_rows']}" + (f", {s['n_iter']} lbfgs iterations)" if 'n_iter' in s else ")"))
PY
