#!/usr/bin/env bash
# Start-up of the CLI, measured with hyperfine side by side in one run:
#   1. `mlci --version`;
#   2. the no-op gate: `mlci gate` on the breast-cancer example against a file baseline of the same evaluation
#      (119 test rows, two rules, 2,000 resamples each: PASS), beside the libraries' floor (Floor.java: a
#      simpler version of the task with the same libraries and nothing of mlci's own);
# each as `java -jar mlci.jar` (no class-data sharing) and through the ./mlci wrapper, which maps an AppCDS
# archive created by its first run (not for --version, which loads too few classes to gain from one).
# BASELINE_JAR=CHECKOUT/action-runner/target/mlci.jar adds two rows per command: that build (e.g. main's)
# by `java -jar`, and through its own ./mlci (copied with a copy of the jar, so its archive is made there),
# in the same run.
#
#   bash bench/startup/run.sh                  (needs: hyperfine, Debian's package)
#   QUICK=1 bash bench/startup/run.sh          (2 runs each instead of 20, no warm-up)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
work="$root/bench/out/startup"
rm -rf "$work"; mkdir -p "$work"
build action-runner
jar="$root/action-runner/target/mlci.jar"
command -v hyperfine >/dev/null || { echo "bench/startup: needs hyperfine (apt-get install hyperfine)" >&2; exit 3; }
runs="${RUNS:-20}"; warmup=3
if [ "$quick" = 1 ]; then runs=2; warmup=0; fi

# A trained and evaluated example; its own evaluation is the baseline, so the gate has nothing to find.
repo="$work/breast-cancer"
mkdir -p "$repo"; cp -r "$root/example-repos/breast-cancer/ml.yaml" "$root/example-repos/breast-cancer/data" "$repo/"
java -jar "$jar" train "$repo" -q --progress none > /dev/null
java -jar "$jar" evaluate "$repo" -q --progress none > /dev/null
cp "$repo/mlci-out/eval/evaluation.mlci.gz" "$work/baseline.mlci.gz"
rows=$(python3 -c 'import gzip, json, sys; b = json.load(gzip.open(sys.argv[1])); print(len(b["predictions"]["ids"]))' \
  "$work/baseline.mlci.gz" 2>/dev/null || echo "?")

# The wrapper's archive, made fresh by a first run of each command (those runs are not measured; --version
# runs without an archive).
rm -rf "${jar%.jar}.cds"
"$root/mlci" --version > /dev/null

gate_args="gate $repo --baseline $work/baseline.mlci.gz --no-fetch -q --progress none"
commands=(-n "java -jar mlci.jar --version" "java -jar $jar --version"
          -n "./mlci --version (the launcher; no archive for --version)" "$root/mlci --version")
gate_commands=(-n "java -jar mlci.jar gate" "java -jar $jar $gate_args"
               -n "./mlci gate (AppCDS)" "$root/mlci $gate_args")
if [ -n "${BASELINE_JAR:-}" ]; then
  # The baseline build's own launcher (BASELINE_JAR=CHECKOUT/action-runner/target/mlci.jar: CHECKOUT/mlci), run
  # on a copy of the jar, so its archive is made there and nothing is written into that checkout.
  baseline_launcher="$(cd "$(dirname "$BASELINE_JAR")/../.." && pwd)/mlci"
  mkdir -p "$work/baseline/action-runner/target"; cp "$BASELINE_JAR" "$work/baseline/action-runner/target/mlci.jar"
  commands+=(-n "baseline jar --version" "java -jar $BASELINE_JAR --version")
  gate_commands+=(-n "baseline jar gate" "java -jar $BASELINE_JAR $gate_args")
  if [ -f "$baseline_launcher" ]; then
    cp "$baseline_launcher" "$work/baseline/mlci"
    "$work/baseline/mlci" --version > /dev/null
    "$work/baseline/mlci" $gate_args > /dev/null
    commands+=(-n "baseline ./mlci (its launcher, AppCDS) --version" "$work/baseline/mlci --version")
    gate_commands+=(-n "baseline ./mlci (its launcher, AppCDS) gate" "$work/baseline/mlci $gate_args")
  fi
fi
# The gate must PASS (exit 0): anything else and the benchmark measures an error path. This first run of
# `gate` through the wrapper also adds its classes to the archive.
"$root/mlci" $gate_args > "$work/gate.out"
[ -n "$(find "${jar%.jar}.cds" -name mlci.jsa 2>/dev/null)" ] || { echo "bench/startup: the wrapper made no CDS archive" >&2; exit 1; }

# The libraries' floor (Floor.java): a simpler version of the task (a lower bound) on the same files with the
# libraries the gate uses, written the plainest way, compiled against this jar and run with an AppCDS archive
# made as the wrapper makes its own. What the gate takes above it is at most mlci's own work (schema check,
# data gate, checks, run store, atomic output). Needs the JDK's javac and jar beside the java on the PATH.
if command -v javac > /dev/null && command -v jar > /dev/null; then
  floor="$work/floor"
  mkdir -p "$floor/classes"
  javac -nowarn -d "$floor/classes" -cp "$jar" "$root/bench/startup/Floor.java"
  jar --create --file "$floor/floor.jar" -C "$floor/classes" .
  floor_cp="$jar:$floor/floor.jar"
  java -Xlog:disable -XX:DumpLoadedClassList="$floor/floor.classlist" -cp "$floor_cp" Floor $gate_args
  java -Xshare:dump -XX:SharedClassListFile="$floor/floor.classlist" -XX:SharedArchiveFile="$floor/floor.jsa" \
    -Xlog:disable -Xlog:all=error:stderr -cp "$floor_cp" > /dev/null
  [ -s "$repo/mlci-out/floor/gate.html" ] || { echo "bench/startup: the floor program wrote no report" >&2; exit 1; }
  gate_commands+=(-n "the libraries' floor (bench/startup/Floor.java, AppCDS)"
    "java -Xlog:disable -XX:SharedArchiveFile=$floor/floor.jsa -XX:MaxRAMPercentage=75 -XX:TieredStopAtLevel=1 -cp $floor_cp Floor $gate_args")
else
  echo "bench/startup: no javac or jar on the PATH (a JRE, not a JDK): the floor row is skipped" >&2
fi
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1), $(hyperfine --version), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "no-op gate: $(head -1 "$work/gate.out"); baseline of $rows rows"
hyperfine -N -w "$warmup" -r "$runs" --export-markdown "$work/version.md" --export-json "$work/version.json" "${commands[@]}"
hyperfine -N -w "$warmup" -r "$runs" --export-markdown "$work/gate.md" --export-json "$work/gate.json" "${gate_commands[@]}"
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
print()
print("| command | wall mean ± sd | min | user + sys CPU |")
print("|---|---|---|---|")
for f in ("version", "gate"):
    for r in json.load(open(f"{work}/{f}.json"))["results"]:
        print(f"| {r['command']} | {r['mean']*1000:.0f} ± {r['stddev']*1000:.0f} ms | {r['min']*1000:.0f} ms "
              f"| {(r['user'] + r['system'])*1000:.0f} ms |")
PY
