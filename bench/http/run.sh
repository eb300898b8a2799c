#!/usr/bin/env bash
# Which HTTP server should the model server use? The same small-JSON endpoint (a single-row KServe V2 request,
# parsed and answered with Jackson) on the JDK's built-in server, Undertow and Vert.x, driven by wrk on loopback
# at concurrency 1 and 32, one after the other, in one run.
#
#   bash bench/http/run.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
"$root/mvnw" -q -B -f "$root/pom.xml" -pl bench -am package -DskipTests
jar="$root/bench/target/benchmarks.jar"
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
printf "| server | concurrency | requests/s | p50 | p99 |\n|---|---|---|---|---|\n"
port=18080
for server in jdk undertow vertx; do
  port=$((port + 1))
  java -Xmx512m -cp "$jar" dev.mlci.bench.http.HttpCandidates "$server" "$port" > /dev/null &
  pid=$!
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" -d '{"inputs":[{"data":[1,2,3,4]}]}' && break; sleep 0.2; done
  wrk -t2 -c32 -d5s -s "$root/bench/http/post.lua" "http://127.0.0.1:$port/v2/models/m/infer" > /dev/null   # warm-up
  for c in 1 32; do
    t=$([ "$c" = 1 ] && echo 1 || echo 2)
    out=$(wrk -t"$t" -c"$c" -d15s --latency -s "$root/bench/http/post.lua" "http://127.0.0.1:$port/v2/models/m/infer")
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1=="50%" {print $2}')
    p99=$(echo "$out" | awk '$1=="99%" {print $2}')
    echo "| $server | $c | $rps | $p50 | $p99 |"
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
