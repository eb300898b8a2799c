#!/usr/bin/env bash
# What gate.training_noise costs: mlci evaluate (which trains the further seeds) and mlci gate, with and without
# training noise, on the generated 100,000 x 20 data set of bench/train-evaluate (logistic-sgd, 5 epochs).
# Prints wall and CPU seconds (user + system) of whole processes, JVM start included.
#
#   bash bench/training-noise/run.sh           # 100,000 rows, 3 seeds
#   ROWS=10000 SEEDS=5 bash bench/training-noise/run.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
work="$root/bench/out/training-noise"
rows="${ROWS:-100000}"; seeds="${SEEDS:-3}"
if [ "$quick" = 1 ]; then rows="${ROWS:-2000}"; fi
rm -rf "$work" && mkdir -p "$work/repo/data"
python3 "$root/bench/train-evaluate/generate.py" "$work/repo/data/bench.csv" "$rows"
config() { # extra gate lines
  cat > "$work/repo/ml.yaml" <<YAML
name: bench-noise
task: classification
data:
  path: data/bench.csv
  target: label
  id: id
  positive_class: "yes"
  split:
    test_fraction: 0.2
model:
  trainer: logistic-sgd
  params:
    epochs: 5
gate:
$1  rules:
    - {metric: roc_auc, max_drop: 0.01}
    - {metric: accuracy, max_drop: 0.01}
YAML
}
build action-runner   # outside the timings
jar="$root/action-runner/target/mlci.jar"
measure() { # label, command...: wall and CPU (user + system) seconds of the whole process
  local label="$1"; shift
  rc=0; /usr/bin/time -f "%e %U %S" -o "$work/$label.time" "$@" > "$work/$label.out" 2> "$work/$label.err" || rc=$?
  if [ "$rc" -gt 1 ]; then echo "bench/training-noise: $label exited $rc:" >&2; cat "$work/$label.err" >&2; exit 1; fi
  read -r wall user sys < "$work/$label.time"
  printf "%-34s %6.2f s wall %6.2f s CPU\n" "$label" "$wall" "$(python3 -c "print($user + $sys)")"
}
echo "machine: $(nproc) cores (shared with other builds), $(java -version 2>&1 | head -1); $rows rows, $seeds seeds"
config ""
measure "train (one seed)" java -jar "$jar" train "$work/repo" -q --progress none
measure "evaluate, no training noise" java -jar "$jar" evaluate "$work/repo" -q --progress none
cp "$work/repo/mlci-out/eval/evaluation.mlci.gz" "$work/baseline-1.mlci.gz"
measure "gate, no training noise" java -jar "$jar" gate "$work/repo" --baseline "$work/baseline-1.mlci.gz" --no-fetch -q --progress none
config "  training_noise: {seeds: $seeds}
"
measure "evaluate, training noise ($seeds seeds)" java -jar "$jar" evaluate "$work/repo" -q --progress none
measure "gate, $seeds seeds vs 1" java -jar "$jar" gate "$work/repo" --baseline "$work/baseline-1.mlci.gz" --no-fetch -q --progress none
cp "$work/repo/mlci-out/eval/evaluation.mlci.gz" "$work/baseline-k.mlci.gz"
measure "gate, $seeds seeds vs $seeds" java -jar "$jar" gate "$work/repo" --baseline "$work/baseline-k.mlci.gz" --no-fetch -q --progress none
ls -l "$work"/baseline-*.mlci.gz | awk '{print $5, $9}'
