#!/usr/bin/env bash
# The CLI-side reliability figures of issue 14 (RELIABILITY.md, "CLI and engine"). Run from the repository root after
# ./mvnw -pl action-runner -am package -DskipTests (or with MLCI="java -cp ... dev.mlci.cli.Main").
set -u
MLCI=${MLCI:-"java -jar action-runner/target/mlci.jar"}
W=$(mktemp -d)
run() { # label, expected exit, command...
  local label=$1 want=$2; shift 2
  local t0=$(date +%s.%N)
  "$@" > "$W/out" 2> "$W/err"; local rc=$?
  local t1=$(date +%s.%N)
  printf '%-34s exit %s (want %s) %6.1f s  %s\n' "$label" "$rc" "$want" "$(echo "$t1 - $t0" | bc)" \
    "$(grep -m1 '^error:' "$W/err" | cut -c1-230)"
}
repo() { # dir, csv-writer
  mkdir -p "$1/data"
  printf 'name: m\ntask: classification\ndata:\n  path: data/d.csv\n  target: label\nmodel:\n  trainer: logistic-sgd\n  params:\n    epochs: 2\n' > "$1/ml.yaml"
}
# 1. 1M rows x 31 columns (~180 MB) with -Xmx1g
repo "$W/big"
python3 - "$W/big/data/d.csv" <<'PY'
import sys, random
random.seed(1)
with open(sys.argv[1], "w") as f:
    f.write(",".join(f"f{i}" for i in range(30)) + ",label\n")
    row = ",".join("%.9f" % random.random() for _ in range(30))
    for i in range(1_000_000):
        f.write(row + ("," + ("a" if i % 2 else "b")) + "\n")
PY
ls -l "$W/big/data/d.csv" | awk '{print "   csv bytes:", $5}'
run "1M x 31 CSV, -Xmx1g" 3 env JAVA_TOOL_OPTIONS=-Xmx1g $MLCI train "$W/big" --progress=none
# 2. 100,000 columns
repo "$W/wide"
python3 - "$W/wide/data/d.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write(",".join(f"f{i}" for i in range(99_999)) + ",label\n")
    for i in range(20):
        f.write(",".join("1" for _ in range(99_999)) + ("," + ("a" if i % 2 else "b")) + "\n")
PY
run "100,000-column CSV" 2 $MLCI train "$W/wide" --progress=none
# 3. 3 GB ml.yaml (sparse)
repo "$W/yaml"; truncate -s 3G "$W/yaml/ml.yaml"
run "3 GB ml.yaml" 2 $MLCI train "$W/yaml" --progress=none
# 4. gzip bomb: 300 million zeros
repo "$W/bomb"
python3 - "$W/bomb/data/d.csv" "$W/bomb.mlci.gz" <<'PY'
import sys, gzip
with open(sys.argv[1], "w") as f:
    f.write("x,label\n" + "".join(f"{i%5},{'ab'[i%2]}\n" for i in range(60)))
with gzip.open(sys.argv[2], "wb", compresslevel=9) as g:
    g.write(b'{"schema":"mlci.bundle/v1","predictions":{"ids":[')
    chunk = b"0," * (1 << 20)
    for _ in range(300_000_000 // (1 << 20)):
        g.write(chunk)
    g.write(b"0]}}")
PY
ls -l "$W/bomb.mlci.gz" | awk '{print "   bomb bytes:", $5}'
$MLCI run "$W/bomb" --progress=none > /dev/null 2>&1
run "gzip bomb as --baseline" 2 $MLCI gate "$W/bomb" --progress=none --baseline "$W/bomb.mlci.gz"
# 5. FIFO as ml.yaml
repo "$W/fifo"; rm "$W/fifo/ml.yaml"; mkfifo "$W/fifo/ml.yaml"
run "FIFO as ml.yaml" 2 timeout 60 $MLCI train "$W/fifo" --progress=none
# 6. password in --target
run "password in --target" 2 $MLCI containerize "$W/bomb" --target registry://u:s3cr3tPw@host/x
grep -c s3cr3tPw "$W/err" "$W/out" | sed 's/^/   password occurrences: /'
rm -rf "$W"
