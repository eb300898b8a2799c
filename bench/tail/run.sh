#!/usr/bin/env bash
# Tail latency at a constant request rate (open loop, so a slow answer does not hold back the next request and
# hide its own delay: no coordinated omission), mlci's model server beside `mlflow models serve`, in one run:
#   1. each server's maximum rate: wrk, concurrency 32, single-row /invocations (dataframe_split);
#   2. vegeta (an open-loop load generator, from the Go module proxy) at 50% and 90% of that rate:
#      p50 / p99 / p99.9 latency, the rate achieved and the share of 2xx answers.
# Same model directory for both (the breast-cancer example's ONNX export; MLflow serves it with its onnx
# flavor), same request, one server at a time; mlci's server runs on the host JVM from server-dist (the jars
# the image carries).
#
#   bash bench/tail/run.sh             (needs: wrk, vegeta on PATH or in .ci/bin, pip mlflow onnxruntime)
#   QUICK=1 bash bench/tail/run.sh     (2 s per measurement)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
out="$root/bench/out/tail"
rm -rf "$out"; mkdir -p "$out"
build action-runner model-server
dist="$root/model-server/target/server-dist"
vegeta="$(command -v vegeta || echo "$root/.ci/bin/vegeta")"
for tool in wrk "$vegeta" mlflow; do
  command -v "$tool" >/dev/null || { echo "bench/tail: needs $tool (see .ci/run)" >&2; exit 3; }
done
max_seconds=10; seconds=30; warm=20   # C2 is still compiling the model path after 5 s under load
if [ "$quick" = 1 ]; then max_seconds=2; seconds=2; warm=1; fi

repo="$out/breast-cancer"
mkdir -p "$repo"; cp -r "$root/example-repos/breast-cancer/ml.yaml" "$root/example-repos/breast-cancer/data" "$repo/"
java -jar "$root/action-runner/target/mlci.jar" train "$repo" -q --progress none > /dev/null
python3 - "$repo/mlci-out/model/input_example.json" "$out/split.json" <<'PY'
import json, sys
ex = json.load(open(sys.argv[1]))
json.dump({"dataframe_split": {"columns": ex["columns"], "data": ex["data"][:1]}}, open(sys.argv[2], "w"))
PY

pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null || true' EXIT
load() { # name url: max rate with wrk, then vegeta at 50% and 90% of it
  local name="$1" url="$2" max
  MLCI_BENCH_BODY="$out/split.json" wrk -t2 -c8 -d"${warm}s" -s "$root/bench/serve/body.lua" "$url" > /dev/null
  MLCI_BENCH_BODY="$out/split.json" wrk -t2 -c32 -d"${max_seconds}s" -s "$root/bench/serve/body.lua" "$url" \
    > "$out/$name-max.txt"
  max=$(awk '/Requests\/sec/ {printf "%d", $2}' "$out/$name-max.txt")
  printf 'POST %s\nContent-Type: application/json\n@%s\n' "$url" "$out/split.json" > "$out/$name.targets"
  for share in 50 90; do
    local rate=$((max * share / 100))
    [ "$rate" -ge 1 ] || rate=1
    "$vegeta" attack -targets="$out/$name.targets" -rate="$rate/s" -duration="${seconds}s" -timeout=30s \
      > "$out/$name-$share.bin"
    "$vegeta" report -type=json "$out/$name-$share.bin" > "$out/$name-$share.json"
    "$vegeta" encode -to csv "$out/$name-$share.bin" > "$out/$name-$share.csv"
    echo "$name $max $share $rate" >> "$out/runs.txt"
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}

port=$(free_port)
MLCI_MODEL_DIR="$repo/mlci-out/model" MLCI_PORT="$port" java -Xmx512m -cp "$dist/app/*:$dist/lib/*" dev.mlci.server.Main \
  > "$out/mlci.log" 2>&1 &
pid=$!
wait_for "http://127.0.0.1:$port/ping"
load mlci "http://127.0.0.1:$port/invocations"

port=$(free_port)
mlflow models serve -m "$repo/mlci-out/model" --env-manager local -h 127.0.0.1 -p "$port" > "$out/mlflow.log" 2>&1 &
pid=$!
wait_for "http://127.0.0.1:$port/ping" 240
load mlflow "http://127.0.0.1:$port/invocations"

echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), mlflow $(python3 -c 'import mlflow; print(mlflow.__version__)'), vegeta $(go version -m "$vegeta" 2>/dev/null | awk '$1=="mod" {print $3}'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "maximum rate: wrk -c32 ${max_seconds} s; constant rate: vegeta attack -rate=R/s -duration=${seconds}s, single-row /invocations"
python3 - "$out" <<'PY' | tee "$out/results.md"
import csv, json, sys
import numpy as np
out = sys.argv[1]
print("| server | max rate (wrk -c32) | target rate | achieved | 2xx | p50 | p99 | p99.9 |")
print("|---|---|---|---|---|---|---|---|")
failed = []
for line in open(f"{out}/runs.txt"):
    name, mx, share, rate = line.split()
    report = json.load(open(f"{out}/{name}-{share}.json"))
    lat = np.array([int(r[2]) for r in csv.reader(open(f"{out}/{name}-{share}.csv"))]) / 1e6
    p50, p99, p999 = np.percentile(lat, [50, 99, 99.9])
    print(f"| {'mlci' if name == 'mlci' else 'mlflow models serve'} | {int(mx):,} req/s | {share}% = {int(rate):,} req/s "
          f"| {report['throughput']:,.0f} req/s | {report['success'] * 100:.1f}% "
          f"| {p50:.2f} ms | {p99:.2f} ms | {p999:.2f} ms |")
    if report["success"] < 0.99:
        # Overload is a result (the open loop keeps sending); no answer at all means the benchmark is broken.
        print(f"  {name} at {share}%: overloaded, answers {report['status_codes']}, e.g. {report.get('errors', [])[:1]}")
    if report["success"] == 0:
        failed.append(f"{name} at {share}%")
if failed:
    print("bench/tail: no request answered: " + "; ".join(failed), file=sys.stderr)
    sys.exit(1)
PY
