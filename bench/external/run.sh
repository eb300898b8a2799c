#!/usr/bin/env bash
# Benchmark: mlci's overhead around a trainer: external script (process start, data hand-off, ONNX checks and
# parity, model directory) and the ONNX Runtime scoring of the test rows, on the 100,000 x 20 data of
# bench/train-evaluate, beside the same script run alone on the same training rows.
#
#   bash bench/external/run.sh              # 100,000 rows (the recorded benchmark)
#   ROWS=10000 bash bench/external/run.sh   # a quick look
#
# Needs: the built CLI (./mlci builds it), python3 with pandas, scikit-learn, skl2onnx (.ci/requirements.txt),
# GNU time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$root/bench/out/external"
rows="${ROWS:-100000}"
rm -rf "$work" && mkdir -p "$work/repo/data" "$work/alone/out"
python3 "$root/bench/train-evaluate/generate.py" "$work/repo/data/bench.csv" "$rows"
cp "$root/bench/external/train_logreg.py" "$work/repo/"
cat > "$work/repo/ml.yaml" <<'YAML'
name: bench-external
task: classification
data:
  path: data/bench.csv
  target: label
  id: id
  positive_class: "yes"
  split:
    test_fraction: 0.2
model:
  trainer: external
  command: python3 train_logreg.py
YAML
"$root/mlci" --version >/dev/null   # builds the jar if needed, outside the timings
jar="$root/action-runner/target/mlci.jar"
t() { /usr/bin/time -f "%e" -o "$work/$1.time" "${@:2}" > "$work/$1.out" 2> "$work/$1.err"; cat "$work/$1.time"; }

train=$(t train java -jar "$jar" train "$work/repo" --progress plain)
evaluate=$(t evaluate java -jar "$jar" evaluate "$work/repo" --progress plain)
command_ms=$(python3 -c "import json;print(json.load(open('$work/repo/mlci-out/model/run.json'))['command']['millis'])")
scoring=$(grep -o 'scoring [0-9]* test examples: done in [0-9.]*s' "$work/evaluate.err" "$work/evaluate.out" | head -1 | grep -o '[0-9.]*s$' || true)

# The same training rows for the script alone: every row mlci did not hold out (predictions.csv lists those).
python3 - "$work" <<'PY'
import sys, pandas as pd
w = sys.argv[1]
data = pd.read_csv(f"{w}/repo/data/bench.csv")
test = set(pd.read_csv(f"{w}/repo/mlci-out/eval/predictions.csv")["id"])
data[~data["id"].isin(test)].to_csv(f"{w}/alone/train.csv", index=False)
PY
features=$(python3 -c "import pandas as pd;import json;print(json.dumps([c for c in pd.read_csv('$work/alone/train.csv',nrows=1).columns if c not in ('id','label')]))")
alone=$(cd "$work/repo" && MLCI_TRAIN_DATA="$work/alone/train.csv" MLCI_ID=id MLCI_FEATURES="$features" \
  MLCI_TARGET=label MLCI_TASK=classification MLCI_CLASSES='["no","yes"]' MLCI_PARAMS='{}' MLCI_SEED=42 \
  MLCI_OUTPUT="$work/alone/out" t alone python3 train_logreg.py)

echo "rows: $rows"
echo "script alone (whole process): ${alone}s"
echo "mlci train (whole process, JVM start included): ${train}s; of which the command, as mlci timed it: ${command_ms}ms"
echo "mlci evaluate (whole process): ${evaluate}s; ONNX Runtime scoring of the test rows: ${scoring:-see $work/evaluate.err}"
python3 -c "print('overhead of mlci train around the script: %.2fs' % ($train - $alone))"
grep -h "parity" "$work/train.err" "$work/train.out" || true
