#!/usr/bin/env bash
# The serving drift monitor's cost on the request path (issue 19, item 5), side by side in one run: the real
# server (dev.mlci.server.Main from model-server's server-dist) on the breast-cancer example's ONNX model (30
# numeric features, its data-profile.json in the model directory), with the monitor on (default) and off
# (MLCI_DRIFT_MONITOR=off), alternating, same JVM flags, wrk on loopback after a warm-up. Requests: one row
# (c=1 and c=32) and a 256-row batch (c=2), V2 JSON. Reports requests/s, p50, p99 per mode and round.
#
#   bash bench/drift/run.sh             (needs: wrk; 10 s per measurement, 2 rounds)
#   QUICK=1 bash bench/drift/run.sh     (1 s per measurement, 1 round: every mode and request still runs, in
#                                        about 15 s instead of 58 s)
#   BASELINE_DIST=DIR bash bench/drift/run.sh   (also serves, monitor on, with another build's server-dist, e.g.
#                                        main's model-server/target/server-dist copied aside: mode "base")
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
out="$root/bench/out/drift"
rm -rf "$out"; mkdir -p "$out"
build action-runner model-server
dist="$root/model-server/target/server-dist"
command -v wrk >/dev/null || { echo "bench/drift: needs wrk (apt-get install wrk)" >&2; exit 3; }
seconds=10; warm=10; rounds=2
if [ "$quick" = 1 ]; then seconds=1; warm=1; rounds=1; fi
jvm=(-Xmx512m)

repo="$out/breast-cancer"
mkdir -p "$repo"; cp -r "$root/example-repos/breast-cancer/ml.yaml" "$root/example-repos/breast-cancer/data" "$repo/"
java -jar "$root/action-runner/target/mlci.jar" train "$repo" -q --progress none > /dev/null
test -f "$repo/mlci-out/model/data-profile.json"
python3 - "$repo/data/breast_cancer.csv" "$repo/mlci-out/model/features.json" "$out" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
cols = [c["name"] for c in json.load(open(sys.argv[2]))["columns"]]
def body(n):
    data = [float(r[c]) for r in (rows * 2)[:n] for c in cols]
    return {"inputs": [{"name": "input", "datatype": "FP64", "shape": [n, len(cols)], "data": data}]}
json.dump(body(1), open(sys.argv[3] + "/v2-1.json", "w"))
json.dump(body(256), open(sys.argv[3] + "/v2-256.json", "w"))
PY

pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null || true' EXIT
measure() { # mode round body concurrency url
  local f="$out/wrk-$1-$2-$3-$4.txt" t
  t=$([ "$4" = 1 ] && echo 1 || echo 2)
  MLCI_BENCH_BODY="$out/v2-$3.json" wrk -t"$t" -c"$4" -d"${seconds}s" --latency -s "$root/bench/serve/body.lua" "$5" > "$f"
  if grep -q "Non-2xx" "$f" || ! grep -q "Requests/sec" "$f"; then
    echo "bench/drift: $1 answered errors:" >&2; cat "$f" >&2; exit 1
  fi
  printf '%-4s %s rows=%-3s c=%-2s %10s req/s  p50 %-8s p99 %s\n' "$1" "$2" "$3" "$4" \
    "$(awk '/Requests\/sec/ {print $2}' "$f")" "$(awk '$1=="50%" {print $2}' "$f")" "$(awk '$1=="99%" {print $2}' "$f")" \
    | tee -a "$out/rows.txt"
}
modes="on off"
if [ -n "${BASELINE_DIST:-}" ]; then modes="on off base"; fi
for round in $(seq "$rounds"); do
  for mode in $modes; do
    port=$(free_port)
    d="$dist"; monitor=$mode
    if [ "$mode" = base ]; then d="$BASELINE_DIST"; monitor=on; fi
    MLCI_DRIFT_MONITOR=$monitor MLCI_MODEL_DIR="$repo/mlci-out/model" MLCI_PORT=$port MLCI_HOST=127.0.0.1 \
      java "${jvm[@]}" -cp "$d/app/*:$d/lib/*" dev.mlci.server.Main > "$out/server-$mode-$round.log" 2>&1 &
    pid=$!
    url="http://127.0.0.1:$port/v2/models/breast-cancer/infer"
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/v2/health/ready" > /dev/null && break; sleep 0.2; done
    MLCI_BENCH_BODY="$out/v2-1.json" wrk -t2 -c32 -d"${warm}s" -s "$root/bench/serve/body.lua" "$url" > /dev/null
    measure $mode $round 1 1 "$url"
    measure $mode $round 1 32 "$url"
    measure $mode $round 256 2 "$url"
    if [ "$mode" = on ]; then
      curl -sf "http://127.0.0.1:$port/metrics" | grep -E '^mlci_(feature_drift|drift_)' | head -3 > "$out/metrics-sample.txt"
    fi
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/rows.txt"
