#!/usr/bin/env bash
# The drift monitor's binning alone: thread CPU per DriftMonitor.observe of one 256-row breast-cancer batch (30
# numeric features, 200 quantiles each), 20,000 calls, 6 rounds, for this build's server-dist and, with
# BASELINE_DIST, another build's, interleaved RUNS times (default 2). Needs bench/drift/run.sh's trained model
# (bench/out/drift/breast-cancer) and the server-dist built (model-server package).
#   bash bench/drift/observe.sh
#   BASELINE_DIST=DIR bash bench/drift/observe.sh
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
repo="$root/bench/out/drift/breast-cancer"
test -f "$repo/mlci-out/model/data-profile.json" || { echo "bench/drift/observe.sh: run bench/drift/run.sh first" >&2; exit 3; }
out="$root/bench/out/drift-observe"; rm -rf "$out"; mkdir -p "$out"
dists=("build:$root/model-server/target/server-dist")
if [ -n "${BASELINE_DIST:-}" ]; then dists+=("baseline:$BASELINE_DIST"); fi
for run in $(seq "${RUNS:-2}"); do
  for entry in "${dists[@]}"; do
    name="${entry%%:*}"; d="${entry#*:}"; cp="$d/app/*:$d/lib/*"
    mkdir -p "$out/$name"
    javac -d "$out/$name" -cp "$cp" "$root/bench/drift/observe/dev/mlci/server/DriftObserve.java"
    echo "$name run $run: $(java -cp "$out/$name:$cp" dev.mlci.server.DriftObserve "$repo/mlci-out/model" \
      "$repo/data/breast_cancer.csv" 2>/dev/null | grep '^round' | tail -3 | awk '{print $3}' | tr '\n' ' ')µs per batch (last 3 rounds)"
  done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
