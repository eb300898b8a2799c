#!/usr/bin/env bash
# Benchmark: mlci's overhead around a trainer: external script, on the 100,000 x 20 data of
# bench/train-evaluate, beside the same script run alone on the same training rows, in one run.
#
#   overhead = wall(mlci train) + wall(mlci evaluate) - wall(script alone) - scoring of the test rows
#
# and the same for `mlci run` (train, evaluate and gate in one process: what the GitHub Action's
# `command: run` and the example workflows run), with a no-op gate against the evaluation of a first,
# unmeasured run as a file baseline, whose span is shown and not counted:
#
#   overhead(run) = wall(mlci run) - wall(script alone) - scoring of the test rows - the gate's span
#
# where the walls are whole processes (JVM start and exit included), the script alone gets the same
# training rows and environment, and the scoring is ONNX Runtime on the test rows as `mlci evaluate`
# times it. Issue 16's goal: overhead <= 1 s. mlci runs as a user runs it: through ./mlci (its AppCDS
# archive made by a first, unmeasured run of each command, as is ONNX Runtime's unpacked library), on a
# repository of its own (git init, one commit), not inside this checkout. Each progress line is
# time-stamped (bench/external/stamp.py), which gives the breakdown of each process.
#
#   bash bench/external/run.sh              # 100,000 rows, 3 runs each (the recorded benchmark)
#   ROWS=10000 RUNS=1 bash bench/external/run.sh
#   QUICK=1 bash bench/external/run.sh      # 2,000 rows, one run: does it still run?
#   BASELINE=/path/to/other/checkout bash bench/external/run.sh
#                                           # also that checkout's ./mlci (built), alternating: before/after
#   BASELINE_JAR=/path/to/other/mlci.jar bash bench/external/run.sh
#                                           # the same with another build's jar, through this ./mlci
#
# Needs: the built CLI, python3 with pandas, scikit-learn, skl2onnx (.ci/requirements.txt), GNU time.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
here="$root/bench/external"
work="$root/bench/out/external"
rows="${ROWS:-100000}"
runs="${RUNS:-3}"
if [ "$quick" = 1 ]; then rows="${ROWS:-2000}"; runs="${RUNS:-1}"; fi
rm -rf "$work" && mkdir -p "$work/repo/data" "$work/alone/out"
python3 "$root/bench/train-evaluate/generate.py" "$work/repo/data/bench.csv" "$rows"
cp "$here/train_logreg.py" "$work/repo/"
cat > "$work/repo/ml.yaml" <<'YAML'
name: bench-external
task: classification
data:
  path: data/bench.csv
  target: label
  id: id
  positive_class: "yes"
  split:
    test_fraction: 0.2
model:
  trainer: external
  command: python3 train_logreg.py
YAML
printf 'mlci-out/\n' > "$work/repo/.gitignore"
git -C "$work/repo" init -q -b main
git -C "$work/repo" add -A
git -C "$work/repo" -c user.name=bench -c user.email=bench@localhost commit -q -m data

build action-runner   # outside the timings
export MLCI_CACHE_DIR="$work/cache"
checkouts=("$root")
launch=("$root/mlci")
if [ -n "${BASELINE:-}" ]; then
  [ -f "$BASELINE/action-runner/target/mlci.jar" ] || { echo "bench/external: build $BASELINE first" >&2; exit 3; }
  checkouts+=("$(cd "$BASELINE" && pwd)")
  launch+=("$(cd "$BASELINE" && pwd)/mlci")
fi
# BASELINE_JAR: another build's jar (a copy of it), run by this checkout's launcher (its own AppCDS archive).
if [ -n "${BASELINE_JAR:-}" ]; then
  mkdir -p "$work/baseline-jar" && cp "$BASELINE_JAR" "$work/baseline-jar/mlci.jar"
  checkouts+=("$BASELINE_JAR")
  launch+=("env MLCI_JAR=$work/baseline-jar/mlci.jar $root/mlci")
fi
# First runs, not measured: the launcher's AppCDS archive records each command's classes, ONNX Runtime's
# native library is unpacked into the cache.
# shellcheck disable=SC2086 # a launch is a command and its words
for c in "${launch[@]}"; do
  $c train "$work/repo" -q --progress none > /dev/null
  $c evaluate "$work/repo" -q --progress none > /dev/null
done
cp "$work/repo/mlci-out/eval/evaluation.mlci.gz" "$work/baseline.mlci.gz"
run_args=(run "$work/repo" --baseline "$work/baseline.mlci.gz" --no-fetch)
for c in "${launch[@]}"; do
  $c "${run_args[@]}" -q --progress none > /dev/null
done

# The same training rows for the script alone: every row mlci did not hold out (predictions.csv lists those).
python3 - "$work" <<'PY'
import sys, pandas as pd
w = sys.argv[1]
data = pd.read_csv(f"{w}/repo/data/bench.csv")
test = set(pd.read_csv(f"{w}/repo/mlci-out/eval/predictions.csv")["id"])
data[~data["id"].isin(test)].to_csv(f"{w}/alone/train.csv", index=False)
PY
features=$(python3 -c "import pandas as pd, json; print(json.dumps([c for c in pd.read_csv('$work/alone/train.csv', nrows=1).columns if c not in ('id', 'label')]))")

# Runs one whole process with GNU time: NAME.time (wall, CPU), NAME.log (its output, each line
# time-stamped from the process's start; "end" is when the next command of this script ran).
measure() {
  local name="$1"; shift
  local t0; t0=$(python3 -c 'import time; print(time.time())')
  if ! /usr/bin/time -f "%e %U %S" -o "$work/$name.time" "$@" 2>&1 \
      | python3 "$here/stamp.py" "$t0" > "$work/$name.log"; then
    echo "bench/external: $name failed:" >&2; cat "$work/$name.log" >&2; return 1
  fi
  python3 -c "import time; print('%.3f end' % (time.time() - $t0))" >> "$work/$name.log"
}
for i in $(seq "$runs"); do
  rm -rf "$work/alone/out" && mkdir -p "$work/alone/out"
  (cd "$work/repo" && MLCI_TRAIN_DATA="$work/alone/train.csv" MLCI_ID=id MLCI_FEATURES="$features" \
    MLCI_TARGET=label MLCI_TASK=classification MLCI_CLASSES='["no","yes"]' MLCI_PARAMS='{}' MLCI_SEED=42 \
    MLCI_OUTPUT="$work/alone/out" measure "alone.$i" python3 train_logreg.py)
  for k in "${!checkouts[@]}"; do
    measure "train$k.$i" ${launch[$k]} train "$work/repo" --progress plain
    measure "evaluate$k.$i" ${launch[$k]} evaluate "$work/repo" --progress plain
    measure "run$k.$i" ${launch[$k]} "${run_args[@]}" --progress plain
  done
done

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"
for k in "${!checkouts[@]}"; do
  echo; echo "== ${checkouts[$k]} ($(git -C "${checkouts[$k]}" log -1 --format=%h 2>/dev/null || echo "a jar"))"
  python3 "$here/report.py" "$work" "$runs" "$rows" "$k"
done
