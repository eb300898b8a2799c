#!/usr/bin/env bash
# The serving image, measured in one run on this machine:
#   1. single-row /invocations requests at concurrency 1 and 32 (wrk on loopback) against the same ONNX model
#      served by the mlci image (podman, host network) and by `mlflow models serve`; the mlci V2 endpoint too;
#   2. image size: compressed (registry manifest) and uncompressed (podman), base JRE included;
#   3. containerize time: first build (empty caches), unchanged rebuild, rebuild after a model-only change;
#   4. load: 60 s at concurrency 64 on valid requests (zero 5xx? heap after a full GC before and after),
#      then 10,000 malformed requests, against the server JVM on the host (jcmd forces the GCs).
#
#   bash bench/serve/run.sh          (needs: podman, runc, docker-registry, wrk; pip mlflow onnxruntime)
#   QUICK=1 bash bench/serve/run.sh  (part 4 only, 3 s and 500 malformed requests: building the image needs the
#                                     JRE base that ImageIT makes, minutes; ImageIT itself runs the image in CI)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
out="$root/bench/out/serve"
rm -rf "$out"; mkdir -p "$out"
cd "$root"
podman_run_args=(--runtime runc --ulimit nofile=20000:20000 --ulimit nproc=4096:4096)
export MLCI_CONTAINER_RUN_ARGS="${podman_run_args[*]}"

build action-runner model-server
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
mlci() { java -jar "$root/action-runner/target/mlci.jar" "$@"; }
seconds() { python3 -c "import sys; print(f'{float(sys.argv[1]):.2f}')" "$1"; }
now() { date +%s.%N; }
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; podman rm -f mlci-bench >/dev/null 2>&1 || true; }
trap cleanup EXIT

# --- the model ------------------------------------------------------------------------------------------
repo="$out/breast-cancer"
mkdir -p "$repo"; cp -r example-repos/breast-cancer/ml.yaml example-repos/breast-cancer/data "$repo/"
mlci train "$repo" -q > /dev/null && mlci evaluate "$repo" -q > /dev/null
python3 - "$repo/mlci-out/model/input_example.json" "$out" <<'PY'
import json, sys
ex = json.load(open(sys.argv[1])); out = sys.argv[2]
json.dump({"dataframe_split": {"columns": ex["columns"], "data": ex["data"][:1]}}, open(f"{out}/split.json", "w"))
json.dump({"inputs": [{"name": "input", "datatype": "FP64", "shape": [1, len(ex["columns"])], "data": ex["data"][0]}]},
          open(f"{out}/v2.json", "w"))
PY

if [ "$quick" = 0 ]; then
base_tar="$root/bench/out/base/jre17.tar"
if [ ! -f "$base_tar" ]; then
  echo "building the offline JRE base image (ImageIT)..."
  ./mvnw -q -B -pl example-repos -am verify -Dit.test=ImageIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dfailsafe.failIfNoSpecifiedTests=false -Dmlci.keep.base="$base_tar" > "$out/image-it.log"
fi
python3 -c 'import mlflow, onnxruntime' 2>/dev/null || python3 -m pip install --quiet mlflow onnxruntime

# --- a registry on loopback -----------------------------------------------------------------------------
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$out/registry"
cat > "$out/registry/config.yml" <<YAML
version: 0.1
log: {level: warn}
storage: {filesystem: {rootdirectory: $out/registry/storage}}
http: {addr: 127.0.0.1:$port}
YAML
docker-registry serve "$out/registry/config.yml" > "$out/registry/log" 2>&1 &
pids+=("$!")
sleep 1

ref="127.0.0.1:$port/mlci/breast-cancer:bench"
export MLCI_CACHE_DIR="$out/cache"
image() { mlci containerize "$repo" --base "tar://$base_tar" --target "registry://$ref" --allow-insecure-registries --json -q; }

t0=$(now); image > "$out/first.json"; t1=$(now)
image > "$out/again.json"; t2=$(now)
python3 - "$repo/ml.yaml" <<'PY'
import re, sys
p = sys.argv[1]; s = open(p).read()
s2 = re.sub(r"(?m)^  seed: (\d+)$", lambda m: f"  seed: {int(m.group(1)) + 1}", s, count=1)
assert s2 != s, "no model seed to change"
open(p, "w").write(s2)
PY
mlci train "$repo" -q > /dev/null && mlci evaluate "$repo" -q > /dev/null
t3=$(now); image > "$out/model-change.json"; t4=$(now)
digest=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["containerize"]["digest"])' "$out/model-change.json")
python3 - "$out" "$port" "$digest" <<'PY' > "$out/size.txt"
import json, sys, urllib.request
out, port, digest = sys.argv[1:]
req = urllib.request.Request(f"http://127.0.0.1:{port}/v2/mlci/breast-cancer/manifests/{digest}",
    headers={"Accept": "application/vnd.docker.distribution.manifest.v2+json"})
m = json.load(urllib.request.urlopen(req))
sizes = [l["size"] for l in m["layers"]]
print(f"{sum(sizes)/1e6:.1f} MB compressed in {len(sizes)} layers; mlci's layers: "
      + ", ".join(f"{n} {s/1e6:.2f} MB" for n, s in zip(["dependencies", "server", "model"], sizes[-3:])))
PY
podman pull -q --tls-verify=false "127.0.0.1:$port/mlci/breast-cancer@$digest" > /dev/null
uncompressed=$(podman image inspect --format '{{.Size}}' "127.0.0.1:$port/mlci/breast-cancer@$digest")

# --- serving: mlci image vs mlflow models serve ---------------------------------------------------------
mlci_port=18181; mlflow_port=18182
podman run -d --name mlci-bench --network host "${podman_run_args[@]}" -e MLCI_PORT=$mlci_port \
  "127.0.0.1:$port/mlci/breast-cancer@$digest" > /dev/null
mlflow models serve -m "$repo/mlci-out/model" --env-manager local -h 127.0.0.1 -p $mlflow_port > "$out/mlflow.log" 2>&1 &
pids+=("$!")
for u in "http://127.0.0.1:$mlci_port/ping" "http://127.0.0.1:$mlflow_port/ping"; do
  for _ in $(seq 240); do curl -sf -o /dev/null "$u" && break; sleep 0.5; done
done
bench() { # name url body concurrency
  local t=$([ "$4" = 1 ] && echo 1 || echo 2)
  local f="$out/wrk-$(echo "$1" | tr -c 'a-zA-Z0-9\n' '-')-$4.txt"
  MLCI_BENCH_BODY="$3" wrk -t"$t" -c"$4" -d20s --latency -s bench/serve/body.lua "$2" > "$f"
  local rps p50 p99 errs
  rps=$(awk '/Requests\/sec/ {print $2}' "$f")
  p50=$(awk '$1=="50%" {print $2}' "$f")
  p99=$(awk '$1=="99%" {print $2}' "$f")
  errs=$(awk '/Non-2xx/ {print $5}' "$f"); errs=${errs:-0}
  echo "| $1 | $4 | $rps | $p50 | $p99 | $errs |"
}
for u in "http://127.0.0.1:$mlci_port/invocations" "http://127.0.0.1:$mlflow_port/invocations"; do
  MLCI_BENCH_BODY="$out/split.json" wrk -t2 -c8 -d5s -s bench/serve/body.lua "$u" > /dev/null   # warm-up
done
{
  echo "load average: $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) now"
  echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), mlflow $(python3 -c 'import mlflow; print(mlflow.__version__)'), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
  echo
  echo "| server | concurrency | requests/s | p50 | p99 | non-2xx |"
  echo "|---|---|---|---|---|---|"
  for c in 1 32; do
    bench "mlci image /invocations" "http://127.0.0.1:$mlci_port/invocations" "$out/split.json" $c
    bench "mlci image V2 infer" "http://127.0.0.1:$mlci_port/v2/models/breast-cancer/infer" "$out/v2.json" $c
    bench "mlflow models serve /invocations" "http://127.0.0.1:$mlflow_port/invocations" "$out/split.json" $c
  done
  echo
  echo "image: $(cat "$out/size.txt"); $(python3 -c "print(f'{$uncompressed/1e6:.1f}')") MB uncompressed"
  echo "containerize: first build $(seconds "$(echo "$t1 - $t0" | bc)") s (empty caches), unchanged rebuild $(seconds "$(echo "$t2 - $t1" | bc)") s, after a model-only change $(seconds "$(echo "$t4 - $t3" | bc)") s"
} | tee "$out/results.md"
podman rm -f mlci-bench > /dev/null
fi

# --- load: 60 s at concurrency 64, then 10,000 malformed requests ---------------------------------------
load_seconds=60; load_warm=10; malformed=10000
if [ "$quick" = 1 ]; then load_seconds=3; load_warm=1; malformed=500; fi
lp=$(free_port)
dist="$root/model-server/target/server-dist"
MLCI_MODEL_DIR="$repo/mlci-out/model" MLCI_PORT=$lp java -Xmx512m -cp "$dist/app/*:$dist/lib/*" dev.mlci.server.Main \
  2> "$out/load-server.log" &
server=$!; pids+=("$server")
wait_for "http://127.0.0.1:$lp/ping"
heap() { jcmd "$server" GC.run > /dev/null; sleep 1; jcmd "$server" GC.heap_info | sed -n 's/.*garbage-first heap.*used \([0-9]*\)K.*/\1/p'; }
MLCI_BENCH_BODY="$out/split.json" wrk -t2 -c64 -d"${load_warm}s" -s bench/serve/body.lua http://127.0.0.1:$lp/invocations > /dev/null
heap_before=$(heap)
MLCI_BENCH_BODY="$out/split.json" wrk -t2 -c64 -d"${load_seconds}s" --latency -s bench/serve/body.lua \
  http://127.0.0.1:$lp/invocations > "$out/load.txt"
heap_after=$(heap)
wrk -t2 -c16 -d60s -s bench/serve/malformed.lua http://127.0.0.1:$lp/v2/models/breast-cancer/infer > "$out/malformed.txt" &
wrk_pid=$!
# Stop after at least $malformed requests (10,000): count them from the server's own metrics.
for _ in $(seq 600); do
  n=$(curl -s http://127.0.0.1:$lp/metrics | awk -F' ' '/^mlci_errors_total\{endpoint="v2_infer",status="400"\}/ {print int($2)}')
  [ "${n:-0}" -ge "$malformed" ] && break; sleep 0.1
done
kill -INT "$wrk_pid" 2>/dev/null || true; wait "$wrk_pid" 2>/dev/null || true
alive=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$lp/v2/health/ready)
{
  echo
  echo "load (${load_seconds} s, concurrency 64, single-row /invocations, -Xmx512m): $(awk '/requests in/ {print $1}' "$out/load.txt") requests,"\
       "$(awk '/Requests\/sec/ {print $2}' "$out/load.txt") req/s, p99 $(awk '$1=="99%" {print $2}' "$out/load.txt"),"\
       "non-2xx: $(awk '/Non-2xx/ {print $5}' "$out/load.txt" | grep . || echo 0), socket errors: $(awk '/Socket errors/ {print $0}' "$out/load.txt" | grep . || echo none)"
  echo "heap after a full GC: ${heap_before} KB before the ${load_seconds} s, ${heap_after} KB after"
  echo "malformed: $(awk '/requests in/ {print $1}' "$out/malformed.txt") requests, $(grep '^status' "$out/malformed.txt"); ready afterwards: HTTP $alive"
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee -a "$out/results.md"
if [ "$alive" != 200 ] || grep -q "Non-2xx" "$out/load.txt" || ! grep -q "Requests/sec" "$out/load.txt"; then
  echo "bench/serve: the server failed under load (see $out/load.txt, $out/load-server.log)" >&2; exit 1
fi
