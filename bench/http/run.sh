#!/usr/bin/env bash
# Which HTTP server should the model server use? The same small-JSON endpoint (a single-row KServe V2 request,
# parsed and answered with Jackson) on the JDK's built-in server, Undertow and Vert.x, driven by wrk on loopback
# at concurrency 1 and 32, one after the other, in one run.
#
#   bash bench/http/run.sh
#   QUICK=1 bash bench/http/run.sh     (1 s per measurement)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
build bench
jar="$root/bench/target/benchmarks.jar"
seconds=15; warm=5
if [ "$quick" = 1 ]; then seconds=1; warm=1; fi
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
printf "| server | concurrency | requests/s | p50 | p99 |\n|---|---|---|---|---|\n"
for server in jdk undertow vertx; do
  port=$(free_port)
  java -Xmx512m -cp "$jar" dev.mlci.bench.http.HttpCandidates "$server" "$port" > /dev/null &
  pid=$!
  up=0
  for _ in $(seq 100); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/" -d '{"inputs":[{"data":[1,2,3,4]}]}' && { up=1; break; }
    sleep 0.2
  done
  [ "$up" = 1 ] || { echo "bench/http: the $server server did not answer" >&2; kill "$pid"; exit 1; }
  wrk -t2 -c32 -d"${warm}s" -s "$root/bench/http/post.lua" "http://127.0.0.1:$port/v2/models/m/infer" > /dev/null   # warm-up
  for c in 1 32; do
    t=$([ "$c" = 1 ] && echo 1 || echo 2)
    out=$(wrk -t"$t" -c"$c" -d"${seconds}s" --latency -s "$root/bench/http/post.lua" "http://127.0.0.1:$port/v2/models/m/infer")
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1=="50%" {print $2}')
    p99=$(echo "$out" | awk '$1=="99%" {print $2}')
    if [ -z "$rps" ] || echo "$out" | grep -q "Non-2xx"; then
      echo "bench/http: $server answered errors:" >&2; echo "$out" >&2; kill "$pid"; exit 1
    fi
    echo "| $server | $c | $rps | $p50 | $p99 |"
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
