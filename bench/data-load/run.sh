#!/usr/bin/env bash
# Benchmark: loading the train-evaluate data set (bench/train-evaluate/generate.py, 20 numeric features, an id
# column) as `mlci train` loads it, from CSV, .csv.gz and Parquet: load time and the heap the loaded data
# holds after a full GC, per cell (LoadHeap.java, run by java's source launcher against the CLI jar).
#
#   bash bench/data-load/run.sh              # 1,000,000 rows (the recorded benchmark)
#   ROWS=100000 bash bench/data-load/run.sh  # a quick look
#   QUICK=1 bash bench/data-load/run.sh      # 2,000 rows: does it still run?
#
# Needs: the built CLI (built here unless MLCI_BENCH_PREBUILT=1), python3 with numpy, pandas and pyarrow
# (.ci/requirements.txt), gzip. HEAP (default 8g) is the -Xmx of the loading JVM.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
work="$root/bench/out/data-load"
rows="${ROWS:-1000000}"
if [ "$quick" = 1 ]; then rows="${ROWS:-2000}"; fi
heap="${HEAP:-8g}"
rm -rf "$work" && mkdir -p "$work/repo/data"

python3 "$root/bench/train-evaluate/generate.py" "$work/repo/data/bench.csv" "$rows"
gzip -k -6 "$work/repo/data/bench.csv"
python3 "$root/shared-core/src/test/resources/dev/mlci/core/data/csv_to_parquet.py" \
  "$work/repo/data/bench.csv" "$work/repo/data/bench.parquet"
for f in bench.csv bench.csv.gz bench.parquet; do
  cat > "$work/repo/ml-$f.yaml" <<YAML
name: bench-load
task: classification
data:
  path: data/$f
  target: label
  id: id
  positive_class: "yes"
  split:
    test_fraction: 0.2
model:
  trainer: logistic
YAML
done

build action-runner   # outside the timings
jar="$root/action-runner/target/mlci.jar"

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1)"
ls -l "$work/repo/data" | awk 'NR > 1 {print "  " $9 ": " $5 " bytes"}'
for f in bench.csv bench.csv.gz bench.parquet; do
  java "-Xmx$heap" -cp "$jar" "$root/bench/data-load/LoadHeap.java" "$work/repo" "ml-$f.yaml"
done
