#!/usr/bin/env bash
# Per-request latency of trainer: external models in the model server, beside mlci's own ONNX export: the same
# server (dev.mlci.server.Main from model-server's server-dist, the jars the image carries), the same single-row
# V2 request (one FP64 tensor per column, 30 columns of the breast-cancer data) and the same /invocations
# dataframe_split row, wrk on loopback at concurrency 1 after a warm-up, one server at a time:
#   - mlci's own linear model (trainer: linear, ONNX through DJL, the ceiling benchmark's model);
#   - an external scikit-learn logistic regression (imputer + scaler + LogisticRegression, skl2onnx, ZipMap):
#     the like-for-like external model, served through dev.mlci.format.onnx.OnnxGraph;
#   - the breast-cancer-sklearn example (RandomForestClassifier, 100 trees, skl2onnx, ZipMap).
#
#   bash bench/serve-external/run.sh          (needs: wrk; python3 with scikit-learn, skl2onnx, pandas)
#   QUICK=1 bash bench/serve-external/run.sh  (1 s per measurement)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
out="$root/bench/out/serve-external"
rm -rf "$out"; mkdir -p "$out"
build action-runner model-server
dist="$root/model-server/target/server-dist"
command -v wrk >/dev/null || { echo "bench/serve-external: needs wrk (apt-get install wrk)" >&2; exit 3; }
seconds=15; warm=10
if [ "$quick" = 1 ]; then seconds=1; warm=1; fi
jvm=(-Xmx512m)
mlci() { java -jar "$root/action-runner/target/mlci.jar" "$@"; }

# --- the three models ---------------------------------------------------------------------------------------
for m in own logreg forest; do mkdir -p "$out/$m"; done
cp -r "$root/example-repos/breast-cancer/ml.yaml" "$root/example-repos/breast-cancer/data" "$out/own/"
cp -r "$root/example-repos/breast-cancer-sklearn/ml.yaml" "$root/example-repos/breast-cancer-sklearn/data" \
  "$root/example-repos/breast-cancer-sklearn/train.py" "$out/forest/"
cp -r "$out/forest/ml.yaml" "$out/forest/data" "$out/logreg/"
cp "$root/bench/serve-external/train_logreg.py" "$out/logreg/train.py"
for m in own logreg forest; do mlci train "$out/$m" -q --progress none > /dev/null; done
python3 - "$out/own/mlci-out/model/input_example.json" "$out" <<'PY'
import json, sys
ex = json.load(open(sys.argv[1])); out = sys.argv[2]
row = ex["data"][0]
json.dump({"inputs": [{"name": c, "datatype": "FP64", "shape": [1], "data": [v]} for c, v in zip(ex["columns"], row)]},
          open(f"{out}/v2.json", "w"))
json.dump({"dataframe_split": {"columns": ex["columns"], "data": [row]}}, open(f"{out}/split.json", "w"))
PY

pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null || true' EXIT
measure() { # model endpoint body url -> one row
  local f="$out/wrk-$1-$2.txt"
  MLCI_BENCH_BODY="$3" wrk -t1 -c1 -d"${seconds}s" --latency -s "$root/bench/serve/body.lua" "$4" > "$f"
  if grep -q "Non-2xx" "$f" || ! grep -q "Requests/sec" "$f"; then
    echo "bench/serve-external: $1 $2 answered errors:" >&2; cat "$f" >&2; exit 1
  fi
  echo "$1 $2 $(awk '/Requests\/sec/ {print $2}' "$f") $(awk '$1=="50%" {print $2}' "$f") $(awk '$1=="99%" {print $2}' "$f")" \
    >> "$out/rows.txt"
}
for m in own logreg forest; do
  name=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["name"])' "$out/$m/mlci-out/model/serving.json")
  port=$(free_port)
  MLCI_MODEL_DIR="$out/$m/mlci-out/model" MLCI_PORT="$port" java "${jvm[@]}" -cp "$dist/app/*:$dist/lib/*" \
    dev.mlci.server.Main > "$out/$m.log" 2>&1 &
  pid=$!
  wait_for "http://127.0.0.1:$port/v2/health/ready"
  v2="http://127.0.0.1:$port/v2/models/$name/infer"
  MLCI_BENCH_BODY="$out/v2.json" wrk -t1 -c4 -d"${warm}s" -s "$root/bench/serve/body.lua" "$v2" > /dev/null
  measure "$m" v2 "$out/v2.json" "$v2"
  measure "$m" invocations "$out/split.json" "http://127.0.0.1:$port/invocations"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
done

echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg); ${seconds} s per row after a ${warm} s warm-up, concurrency 1"
python3 - "$out/rows.txt" <<'PY' | tee "$out/results.md"
import sys
labels = {"own": "mlci's own linear export (DJL)", "logreg": "external: skl2onnx logistic regression",
          "forest": "external: skl2onnx random forest, 100 trees"}
print("| model | request (1 row) | requests/s | p50 | p99 |")
print("|---|---|---|---|---|")
for m, e, r, p50, p99 in (l.split() for l in open(sys.argv[1])):
    print(f"| {labels[m]} | {'V2, 30 FP64 tensors' if e == 'v2' else '/invocations dataframe_split'} | {float(r):,.0f} | {p50} | {p99} |")
PY
