#!/usr/bin/env bash
# Tail latency at a constant request rate (open loop: requests leave on a fixed schedule whether or not earlier
# answers came back, so a stall cannot hide itself: no coordinated omission), mlci's model server beside
# `mlflow models serve`, in one run. On this 2-core machine the server gets one core and the load generators the
# other (taskset), so what is measured is the server, not the generator taking the server's CPU:
#   1. each server's maximum rate on its core: wrk, one thread, 32 connections, single-row /invocations
#      (dataframe_split), after a warm-up;
#   2. vegeta (open-loop, from the Go module proxy) at 50% and 90% of that rate over at most 32 keep-alive
#      connections: p50 / p99 / p99.9 latency measured from each request's intended send time (its slot in
#      the constant-rate schedule, as wrk2 does), the rate actually sent, the share of 2xx answers, and the CPU
#      of the generator and of the server; each measured run follows a discarded 5 s run at the same rate.
#      A row whose generator could not keep to the schedule (sent < 98% of the target, or its core >= 90%
#      busy) or that got a non-2xx answer is printed as invalid, not as latency.
# Same model directory for both (the breast-cancer example's ONNX export; MLflow serves it with its onnx
# flavor), same request, one server at a time; mlci's server runs on the host JVM from server-dist (the jars
# the image carries), with the JVM's own ergonomics for one CPU (what a 1-CPU container gets).
#
#   bash bench/tail/run.sh             (needs: wrk, taskset, vegeta on PATH or in .ci/bin, pip mlflow onnxruntime;
#                                       about 4 minutes after the build)
#   QUICK=1 bash bench/tail/run.sh     (1 s per measurement)
#   SERVER_CPU=1 CLIENT_CPU=0          (the defaults: which core each side gets)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
out="$root/bench/out/tail"
rm -rf "$out"; mkdir -p "$out"
build action-runner model-server
dist="$root/model-server/target/server-dist"
vegeta="$(command -v vegeta || echo "$root/.ci/bin/vegeta")"
for tool in wrk taskset "$vegeta" mlflow; do
  command -v "$tool" >/dev/null || { echo "bench/tail: needs $tool (see .ci/run)" >&2; exit 3; }
done
max_seconds=10; seconds=30; warm=20   # C2 is still compiling the model path after 5 s under load
# Before each measured constant-rate run, the same attack for settle seconds, discarded: the switch from wrk's
# connections to vegeta's 32 new ones, and the new rate, gave the first seconds of a measured run p99 outliers
# of up to 0.3 s that the other 27 s did not have (BENCHMARKS.md, the tail row).
settle=5
if [ "$quick" = 1 ]; then max_seconds=1; seconds=1; warm=1; settle=1; fi
connections=32   # wrk's for the maximum, and vegeta's bound: the same concurrency on both sides of the ratio

if [ "$(nproc)" -ge 2 ]; then
  server_cpu="${SERVER_CPU:-1}"; client_cpu="${CLIENT_CPU:-0}"
  on_server=(taskset -c "$server_cpu"); on_client=(taskset -c "$client_cpu")
  cores="server on core $server_cpu, load generators on core $client_cpu (taskset)"
else
  on_server=(); on_client=()
  cores="ONE core shared by server and load generator: the figures include the generator's own CPU"
  echo "bench/tail: warning: $cores" >&2
fi
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out/load.txt"

repo="$out/breast-cancer"
mkdir -p "$repo"; cp -r "$root/example-repos/breast-cancer/ml.yaml" "$root/example-repos/breast-cancer/data" "$repo/"
java -jar "$root/action-runner/target/mlci.jar" train "$repo" -q --progress none > /dev/null
python3 - "$repo/mlci-out/model/input_example.json" "$out/split.json" <<'PY'
import json, sys
ex = json.load(open(sys.argv[1]))
json.dump({"dataframe_split": {"columns": ex["columns"], "data": ex["data"][:1]}}, open(sys.argv[2], "w"))
PY

# CPU seconds (user + sys) of a process and all its descendants (mlflow's server is a uvicorn child).
tree_cpu() {
  python3 - "$1" <<'PY'
import os, sys
tick = os.sysconf("SC_CLK_TCK")
kids = {}
for p in os.listdir("/proc"):
    if p.isdigit():
        try:
            f = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        kids.setdefault(int(f[1]), []).append((int(p), int(f[11]) + int(f[12])))
def total(pid):
    return sum(t + total(c) for c, t in kids.get(pid, []))
own = open(f"/proc/{sys.argv[1]}/stat").read().rsplit(")", 1)[1].split()
print((int(own[11]) + int(own[12]) + total(int(sys.argv[1]))) / tick)
PY
}

pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null || true' EXIT
load() { # name url: max rate with wrk, then vegeta at 50% and 90% of it
  local name="$1" url="$2" max
  MLCI_BENCH_BODY="$out/split.json" "${on_client[@]}" wrk -t1 -c8 -d"${warm}s" -s "$root/bench/serve/body.lua" "$url" \
    > /dev/null
  local c0; c0=$(tree_cpu "$pid")
  MLCI_BENCH_BODY="$out/split.json" /usr/bin/time -f '%U %S %e' -o "$out/$name-max.time" "${on_client[@]}" \
    wrk -t1 -c"$connections" -d"${max_seconds}s" -s "$root/bench/serve/body.lua" "$url" > "$out/$name-max.txt"
  echo "$c0 $(tree_cpu "$pid")" > "$out/$name-max.server"
  max=$(awk '/Requests\/sec/ {printf "%d", $2}' "$out/$name-max.txt")
  printf 'POST %s\nContent-Type: application/json\n@%s\n' "$url" "$out/split.json" > "$out/$name.targets"
  for share in 50 90; do
    local rate=$((max * share / 100))
    [ "$rate" -ge 1 ] || rate=1
    # At most $connections requests in flight, on kept-alive HTTP/1.1 connections: when the server falls
    # behind, vegeta's schedule slips (sent < target: the row is invalid) instead of opening ever more
    # connections. Latency is then taken from the schedule, not from the late send (see the analysis below).
    local attack=("$vegeta" attack -targets="$out/$name.targets" -rate="$rate/s" -timeout=10s
      -workers="$connections" -max-workers="$connections" -connections="$connections"
      -max-connections="$connections" -keepalive=true -http2=false -max-body=0)
    "${on_client[@]}" "${attack[@]}" -duration="${settle}s" > /dev/null   # settle at the target rate, discarded
    c0=$(tree_cpu "$pid")
    /usr/bin/time -f '%U %S %e' -o "$out/$name-$share.time" "${on_client[@]}" \
      "${attack[@]}" -duration="${seconds}s" > "$out/$name-$share.bin"
    echo "$c0 $(tree_cpu "$pid")" > "$out/$name-$share.server"
    "$vegeta" report -type=json "$out/$name-$share.bin" > "$out/$name-$share.json"
    "$vegeta" encode -to csv "$out/$name-$share.bin" > "$out/$name-$share.csv"
    echo "$name $max $share $rate" >> "$out/runs.txt"
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}

port=$(free_port)
MLCI_MODEL_DIR="$repo/mlci-out/model" MLCI_PORT="$port" "${on_server[@]}" \
  java -Xmx512m -cp "$dist/app/*:$dist/lib/*" dev.mlci.server.Main > "$out/mlci.log" 2>&1 &
pid=$!
wait_for "http://127.0.0.1:$port/ping"
load mlci "http://127.0.0.1:$port/invocations"

port=$(free_port)
"${on_server[@]}" mlflow models serve -m "$repo/mlci-out/model" --env-manager local -h 127.0.0.1 -p "$port" \
  > "$out/mlflow.log" 2>&1 &
pid=$!
wait_for "http://127.0.0.1:$port/ping" 240
load mlflow "http://127.0.0.1:$port/invocations"

echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/load.txt"
echo "machine: $(nproc) cores, $cores; $(java -version 2>&1 | head -1), mlflow $(python3 -c 'import mlflow; print(mlflow.__version__)'), vegeta $(go version -m "$vegeta" 2>/dev/null | awk '$1=="mod" {print $3}'), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
echo "maximum rate: wrk -t1 -c$connections ${max_seconds} s; constant rate: vegeta attack -rate=R/s -duration=${seconds}s -max-workers=$connections -max-connections=$connections, single-row /invocations"
python3 "$root/bench/tail/analyse.py" "$out" | tee "$out/results.md"
