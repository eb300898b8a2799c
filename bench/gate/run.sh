#!/usr/bin/env bash
# Benchmark of the gate, side by side in one run (plus the baseline bundle's store/load time):
#  1. the paired bootstrap on 100,000 paired predictions with 2,000 resamples (ROC AUC and accuracy): mlci's
#     Bootstrap under JMH, on both cores and pinned to one core, next to a vectorised NumPy implementation of the
#     same bootstrap (bench/gate/numpy_bootstrap.py);
#  2. the whole `mlci gate` command on those predictions, JVM start included (goal: under 2 s).
#
#   bash bench/gate/run.sh
#   QUICK=1 bash bench/gate/run.sh     (5,000 pairs, 200 resamples, one JMH shot each: does it still run?)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
work="$root/bench/out/gate"
rm -rf "$work" && mkdir -p "$work/workspace"
build bench action-runner
bench="$root/bench/target/benchmarks.jar"
mlci="$root/action-runner/target/mlci.jar"

pairs=100000; resamples=2000; jmh=(-f 1 -wi 2 -i 5); numpy_repeats=3; runs=5
if [ "$quick" = 1 ]; then pairs=5000; resamples=200; jmh=(-f 1 -wi 0 -i 1); numpy_repeats=1; runs=1; fi
python3 "$root/bench/gate/generate.py" "$work/pairs.csv" "$pairs"
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), $(python3 -c 'import numpy; print("numpy", numpy.__version__)')"

echo "== JMH, mlci Bootstrap.paired (both cores) =="
java -Dmlci.bench.pairs="$work/pairs.csv" -jar "$bench" GateBootstrap "${jmh[@]}" -p resamples="$resamples" \
  -rf json -rff "$work/jmh.json" | grep -E "^Benchmark|pairedBootstrap"
echo "== JMH, pinned to one core (taskset -c 0) =="
taskset -c 0 java -Dmlci.bench.pairs="$work/pairs.csv" -jar "$bench" GateBootstrap "${jmh[@]}" -p resamples="$resamples" \
  -rf json -rff "$work/jmh-1core.json" | grep -E "^Benchmark|pairedBootstrap"
echo "== JMH, baseline bundle of $pairs rows: write, read, store as a git note and load back =="
java -Dmlci.bench.rows="$pairs" -jar "$bench" BundleBenchmark "${jmh[@]}" -rf json -rff "$work/jmh-bundle.json" \
  | grep -E "bundle of|^Benchmark|BundleBenchmark\." | sort -u
echo "== NumPy, vectorised (best of $numpy_repeats) =="
python3 "$root/bench/gate/numpy_bootstrap.py" "$work/pairs.csv" "$resamples" "$numpy_repeats" | tee "$work/numpy.json"

echo "== the whole mlci gate command (JVM start included), $runs runs =="
java -cp "$bench" dev.mlci.bench.MakeGateBundles "$work/pairs.csv" "$work/workspace" "$work/baseline.mlci.gz"
cat > "$work/workspace/ml.yaml" <<'YAML'
name: bench-gate
task: classification
data: {path: data/unused.csv, target: y}
model: {trainer: logistic}
gate:
  rules:
    - {metric: roc_auc, max_drop: 0.01}
    - {metric: accuracy, max_drop: 0.01}
YAML
for i in $(seq "$runs"); do
  # Exit 0 (PASS) or 1 (a verdict) are results; anything else means the benchmark is broken.
  rc=0
  /usr/bin/time -f "%e s wall, %U s user + %S s sys CPU, %M KB peak" java -jar "$mlci" gate "$work/workspace" --baseline "$work/baseline.mlci.gz" \
    --no-fetch -q --progress none > "$work/gate-$i.out" 2> "$work/gate-$i.time" || rc=$?
  if [ "$rc" -gt 1 ]; then
    echo "bench/gate: mlci gate exited $rc:" >&2; cat "$work/gate-$i.time" "$work/gate-$i.out" >&2; exit 1
  fi
  tail -1 "$work/gate-$i.time"
done
head -1 "$work/gate-1.out"

# A build that FAILs (a clearly worse candidate: own noise 1.0 instead of 0.5): every FAILing paired-bootstrap rule
# also runs the paired randomization (swap) test, which the PASS above never needs. COMPARE_JAR=path/to/mlci.jar
# (e.g. main's) times that jar on the same workspaces, interleaved run by run.
echo "== the whole mlci gate command on a regression (FAIL), $runs runs =="
python3 "$root/bench/gate/generate.py" "$work/pairs-fail.csv" "$pairs" 1.0
mkdir -p "$work/workspace-fail"
cp "$work/workspace/ml.yaml" "$work/workspace-fail/ml.yaml"
java -cp "$bench" dev.mlci.bench.MakeGateBundles "$work/pairs-fail.csv" "$work/workspace-fail" "$work/baseline-fail.mlci.gz"
jars=("$mlci")
if [ -n "${COMPARE_JAR:-}" ]; then jars+=("$COMPARE_JAR"); fi
for i in $(seq "$runs"); do
  for jar in "${jars[@]}"; do
    for case in "" "-fail"; do
      if [ -z "$case" ] && [ "$jar" = "$mlci" ]; then continue; fi # timed above
      rc=0
      /usr/bin/time -f "%e s wall, %U s user + %S s sys CPU, %M KB peak" java -jar "$jar" gate "$work/workspace$case" \
        --baseline "$work/baseline$case.mlci.gz" --no-fetch -q --progress none > "$work/gate$case-$i.out" \
        2> "$work/gate$case-$i.time" || rc=$?
      if [ "$rc" -gt 1 ]; then
        echo "bench/gate: $jar gate exited $rc:" >&2; cat "$work/gate$case-$i.time" "$work/gate$case-$i.out" >&2; exit 1
      fi
      echo "$jar ${case:-pass} $(head -1 "$work/gate$case-$i.out" | cut -c1-60): $(tail -1 "$work/gate$case-$i.time")"
    done
  done
done
