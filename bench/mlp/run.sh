#!/usr/bin/env bash
# The mlp trainer (example-repos/breast-cancer-mlp) measured on this machine:
#   1. mlci train: wall time of the train step, epochs run (early stopping), seconds per epoch; 5 runs, median;
#      quality from mlci evaluate;
#   2. the same architecture and settings trained by PyTorch in Python on the same rows (bench/mlp/torch_mlp.py);
#   3. the serving image's size: the mlp image built onto the offline JRE base, as a tarball (compressed
#      layers, base included), and its pytorch layer.
#
#   bash bench/mlp/run.sh     (needs: PYTHON with torch 2.7.1 CPU, scikit-learn, pandas; default python3)
#   QUICK=1 bash bench/mlp/run.sh   (one mlci run of at most 5 epochs; PyTorch in Python only if PYTHON has torch,
#                                    which .ci/run does not install; no image)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
out="$root/bench/out/mlp"
python="${PYTHON:-python3}"
rm -rf "$out"; mkdir -p "$out"
cd "$root"
build action-runner
mlci() { java -jar "$root/action-runner/target/mlci.jar" "$@"; }
# mlci.jar fetches PyTorch's native library on first use of mlp: from the local Maven repository here (offline).
export MLCI_MAVEN_REPO="${MLCI_MAVEN_REPO:-file://$HOME/.m2/repository}"

repo="$out/breast-cancer-mlp"
cp -r example-repos/breast-cancer-mlp "$repo"
rm -rf "$repo/mlci-out"
runs=5
if [ "$quick" = 1 ]; then
  runs=1
  sed -i 's/^    epochs: .*/    epochs: 5/' "$repo/ml.yaml"
fi
for i in $(seq "$runs"); do
  mlci train "$repo" --json --progress none 2> "$out/train-$i.err" > "$out/train-$i.json"
done
mlci evaluate "$repo" --json --progress none 2> "$out/evaluate.err" > "$out/evaluate.json"
python3 - "$out" "$repo" <<'PY' > "$out/mlci.json"
import glob, json, os, sys
out, repo = sys.argv[1], sys.argv[2]
runs = [json.load(open(f))["train"] for f in sorted(glob.glob(out + "/train-*.json"))]
run = sorted(runs, key=lambda r: r["millis"])[len(runs) // 2]
local = run["tracking"]["local_run"]
lines = open(os.path.join(local, "metrics", "validation_loss")).read().splitlines()
epochs = len(lines)
# Each epoch's loss is stamped when the epoch ends: the training loop's time per epoch, without the JVM,
# data loading and PyTorch's start (first epoch included from the second stamp on: it warms up the JIT).
stamps = [int(l.split()[0]) for l in lines]
per_epoch = (stamps[-1] - stamps[0]) / 1000 / (epochs - 1)
ev = json.load(open(out + "/evaluate.json"))["evaluate"]["metrics"]
print(json.dumps({"runs": len(runs), "train_step_seconds": run["millis"] / 1000, "epochs": epochs,
                  "seconds_per_epoch": per_epoch,
                  "roc_auc": ev["roc_auc"], "accuracy": ev["accuracy"]}))
PY
echo "mlci (DJL, PyTorch):  $(cat "$out/mlci.json")"

if [ "$quick" = 1 ] && ! "$python" -c 'import torch' 2>/dev/null; then
  echo "PyTorch in Python:    skipped (quick mode; $python has no torch)"
  exit 0
fi
"$python" bench/mlp/torch_mlp.py "$repo/data/breast_cancer.csv" "$repo/mlci-out/eval/predictions.csv" "$runs" \
  > "$out/torch.json"
echo "PyTorch in Python:    $(cat "$out/torch.json")"
if [ "$quick" = 1 ]; then exit 0; fi

base_tar="$root/bench/out/base/jre17.tar"
if [ ! -f "$base_tar" ]; then
  echo "building the offline JRE base image (ImageIT)..."
  ./mvnw -q -B -pl example-repos -am verify -Dit.test=ImageIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dfailsafe.failIfNoSpecifiedTests=false -Dmlci.keep.base="$base_tar" > "$out/image-it.log"
fi
mlci containerize "$repo" --base "tar://$base_tar" --target "tar://$out/mlp-image.tar" --name mlci/bc-mlp:bench \
  --json -q > "$out/containerize.json"
python3 - "$out" "$base_tar" <<'PY'
import json, os, sys
out, base = sys.argv[1], sys.argv[2]
c = json.load(open(out + "/containerize.json"))["containerize"]
layers = {l["name"]: l["bytes"] for l in c["layers"]}
print(f"mlp image: {os.path.getsize(out + '/mlp-image.tar') / 1e6:.1f} MB as a tarball (compressed layers, base "
      f"{os.path.getsize(base) / 1e6:.1f} MB included); pytorch layer {layers['pytorch'] / 1e6:.1f} MB unpacked; "
      f"containerize {c['millis'] / 1000:.1f} s")
PY
