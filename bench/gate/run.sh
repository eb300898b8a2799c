#!/usr/bin/env bash
# Benchmark of the gate, side by side in one run (plus the baseline bundle's store/load time):
#  1. the paired bootstrap on 100,000 paired predictions with 2,000 resamples (ROC AUC and accuracy): mlci's
#     Bootstrap under JMH, on both cores and pinned to one core, next to a vectorised NumPy implementation of the
#     same bootstrap (bench/gate/numpy_bootstrap.py);
#  2. the whole `mlci gate` command on those predictions, JVM start included (goal: under 2 s).
#
#   bash bench/gate/run.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$root/bench/out/gate"
rm -rf "$work" && mkdir -p "$work/workspace"
"$root/mvnw" -q -B -f "$root/pom.xml" -pl bench,action-runner -am package -DskipTests
bench="$root/bench/target/benchmarks.jar"
mlci="$root/action-runner/target/mlci.jar"

python3 "$root/bench/gate/generate.py" "$work/pairs.csv" 100000
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), $(python3 -c 'import numpy; print("numpy", numpy.__version__)')"

echo "== JMH, mlci Bootstrap.paired (both cores) =="
java -Dmlci.bench.pairs="$work/pairs.csv" -jar "$bench" GateBootstrap -f 1 -wi 2 -i 5 -rf json -rff "$work/jmh.json" \
  | grep -E "^Benchmark|pairedBootstrap"
echo "== JMH, pinned to one core (taskset -c 0) =="
taskset -c 0 java -Dmlci.bench.pairs="$work/pairs.csv" -jar "$bench" GateBootstrap -f 1 -wi 2 -i 5 \
  -rf json -rff "$work/jmh-1core.json" | grep -E "^Benchmark|pairedBootstrap"
echo "== JMH, baseline bundle of 100,000 rows: write, read, store as a git note and load back =="
java -jar "$bench" BundleBenchmark -f 1 -wi 2 -i 5 | grep -E "bundle of|^Benchmark|BundleBenchmark\." | sort -u
echo "== NumPy, vectorised (best of 3) =="
python3 "$root/bench/gate/numpy_bootstrap.py" "$work/pairs.csv" 2000 3 | tee "$work/numpy.json"

echo "== the whole mlci gate command (JVM start included), 5 runs =="
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
for i in 1 2 3 4 5; do
  /usr/bin/time -f "%e s wall, %M KB peak" java -jar "$mlci" gate "$work/workspace" --baseline "$work/baseline.mlci.gz" \
    --no-fetch -q --progress none > "$work/gate-$i.out" 2> "$work/gate-$i.time" || true
  tail -1 "$work/gate-$i.time"
done
head -1 "$work/gate-1.out"
