#!/usr/bin/env bash
# The model server beside its own HTTP ceiling, in one run on this machine: the same Undertow configuration
# with a V2 infer handler that parses the request and answers a canned reply (no model:
# bench/src/main/java/dev/mlci/bench/http/CannedV2Server.java), then the real server (dev.mlci.server.Main from
# model-server's server-dist, the jars the image carries) scoring the breast-cancer example's ONNX model.
# Same JVM flags, same single-row V2 request (30 FP64 features), one server at a time, wrk on loopback at
# concurrency 1 and 32 after a warm-up. Reports requests/s, p50/p99 and the model/ceiling ratio.
#
#   bash bench/ceiling/run.sh             (needs: wrk)
#   QUICK=1 bash bench/ceiling/run.sh     (1 s per measurement)
#   JFR=1 bash bench/ceiling/run.sh       (also records a JFR profile of the model server at concurrency 32)
#   BASELINE_DIST=DIR bash bench/ceiling/run.sh   (also serves the model with another build's server-dist, e.g.
#                                          main's model-server/target/server-dist copied aside, in the same run;
#                                          ROUNDS=N repeats canned, model and baseline N times, interleaved)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
out="$root/bench/out/ceiling"
rm -rf "$out"; mkdir -p "$out"
build bench action-runner model-server
jar="$root/bench/target/benchmarks.jar"
dist="$root/model-server/target/server-dist"
command -v wrk >/dev/null || { echo "bench/ceiling: needs wrk (apt-get install wrk)" >&2; exit 3; }
seconds=15; warm=20   # the model path has far more code for C2 to compile than the canned reply
if [ "$quick" = 1 ]; then seconds=1; warm=1; fi
jvm=(-Xmx512m)

repo="$out/breast-cancer"
mkdir -p "$repo"; cp -r "$root/example-repos/breast-cancer/ml.yaml" "$root/example-repos/breast-cancer/data" "$repo/"
java -jar "$root/action-runner/target/mlci.jar" train "$repo" -q --progress none > /dev/null
python3 - "$repo/mlci-out/model/input_example.json" "$out/v2.json" <<'PY'
import json, sys
ex = json.load(open(sys.argv[1]))
json.dump({"inputs": [{"name": "input", "datatype": "FP64", "shape": [1, len(ex["columns"])], "data": ex["data"][0]}]},
          open(sys.argv[2], "w"))
PY

pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null || true' EXIT
measure() { # name url concurrency -> one table row; the wrk output is kept in $out
  local t f
  t=$([ "$3" = 1 ] && echo 1 || echo 2)
  f="$out/wrk-$1-$3.txt"
  MLCI_BENCH_BODY="$out/v2.json" wrk -t"$t" -c"$3" -d"${seconds}s" --latency -s "$root/bench/serve/body.lua" "$2" > "$f"
  if grep -q "Non-2xx" "$f" || ! grep -q "Requests/sec" "$f"; then
    echo "bench/ceiling: $1 answered errors:" >&2; cat "$f" >&2; exit 1
  fi
  echo "$1 $3 $(awk '/Requests\/sec/ {print $2}' "$f") $(awk '$1=="50%" {print $2}' "$f") $(awk '$1=="99%" {print $2}' "$f")" \
    >> "$out/rows.txt"
}
serve() { # name url -> warm-up, then concurrency 1 and 32
  MLCI_BENCH_BODY="$out/v2.json" wrk -t2 -c32 -d"${warm}s" -s "$root/bench/serve/body.lua" "$2" > /dev/null
  measure "$1" "$2" 1
  if [ "$1" = model ] && [ "${JFR:-0}" = 1 ] && [ "$round" = 1 ]; then
    jcmd "$pid" JFR.start name=ceiling settings=profile filename="$out/model-c32.jfr" > /dev/null
  fi
  measure "$1" "$2" 32
  if [ "$1" = model ] && [ "${JFR:-0}" = 1 ] && [ "$round" = 1 ]; then jcmd "$pid" JFR.stop name=ceiling > /dev/null; fi
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}

serve_model() { # name dist
  port=$(free_port)
  MLCI_MODEL_DIR="$repo/mlci-out/model" MLCI_PORT="$port" java "${jvm[@]}" -cp "$2/app/*:$2/lib/*" dev.mlci.server.Main \
    > "$out/$1.log" 2>&1 &
  pid=$!
  wait_for "http://127.0.0.1:$port/v2/health/ready"
  serve "$1" "http://127.0.0.1:$port/v2/models/breast-cancer/infer"
}
for round in $(seq "${ROUNDS:-1}"); do
  port=$(free_port)
  java "${jvm[@]}" -cp "$jar" dev.mlci.bench.http.CannedV2Server "$port" > "$out/canned.log" 2>&1 &
  pid=$!
  wait_for "http://127.0.0.1:$port/v2/health/ready"
  serve canned "http://127.0.0.1:$port/v2/models/breast-cancer/infer"
  serve_model model "$dist"
  if [ -n "${BASELINE_DIST:-}" ]; then serve_model baseline "$BASELINE_DIST"; fi
done

echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), load average $(cut -d' ' -f1-3 /proc/loadavg); ${seconds} s per row after a ${warm} s warm-up"
python3 - "$out/rows.txt" <<'PY' | tee "$out/results.md"
import sys
rows = [l.split() for l in open(sys.argv[1])]
labels = {"canned": "HTTP ceiling (canned V2 reply)", "model": "model server, ONNX breast-cancer",
          "baseline": "baseline build's model server (BASELINE_DIST)"}
print("| round | server | concurrency | requests/s | p50 | p99 |")
print("|---|---|---|---|---|---|")
rounds = []
for name, c, r, p50, p99 in rows:
    if name == "canned" and c == "1":
        rounds.append({})
    rounds[-1][(name, c)] = float(r)
    print(f"| {len(rounds)} | {labels[name]} | {c} | {float(r):,.0f} | {p50} | {p99} |")
for k, rps in enumerate(rounds, 1):
    for c in ("1", "32"):
        line = f"round {k}, concurrency {c}: model / ceiling = {rps[('model', c)] / rps[('canned', c)]:.2f}"
        if ("baseline", c) in rps:
            line += f"; baseline / ceiling = {rps[('baseline', c)] / rps[('canned', c)]:.2f}"
        print(line)
PY
