"""A training command for mlci's tests of trainer: external, built on the `onnx` package only.

It reads mlci's environment contract, fits a small linear model with numpy (class-mean
differences, softmax), writes the graph with onnx.helper and, on request, the native scores
(train_predictions.csv) and metrics.json. Flags choose a fault to produce, so each of mlci's
checks can be driven by a real ONNX file that ONNX Runtime loads.
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import time

p = argparse.ArgumentParser()
p.add_argument("--form", default="tensor", choices=["tensor", "columns", "wrong"])
p.add_argument("--out", default="zipmap",
               choices=["zipmap", "tensor", "none", "nan", "wrong-classes", "swapped"])
p.add_argument("--parity", default="none", choices=["none", "agree", "broken", "unknown-id", "nan", "ragged", "no-column", "no-rows"])
p.add_argument("--model", default="ok", choices=["ok", "missing", "garbage"])
p.add_argument("--exit", type=int, default=0)
p.add_argument("--sleep", type=float, default=0)
p.add_argument("--metrics", action="store_true")
a = p.parse_args()

print("fixture: starting", flush=True)
if a.sleep:
    child = subprocess.Popen(["sleep", str(int(a.sleep) + 60)])
    with open("child.pid", "w") as f:
        f.write(str(child.pid))
    print("fixture: started child", child.pid, flush=True)
    time.sleep(a.sleep)
if a.exit:
    print("fixture: something went wrong", file=sys.stderr, flush=True)
    sys.exit(a.exit)

# After the faults above, so a timeout test's child starts before these slow imports (seconds on a
# loaded machine, longer than that test's model.timeout).
import numpy as np  # noqa: E402
import onnx  # noqa: E402
from onnx import TensorProto, helper  # noqa: E402

features = json.loads(os.environ["MLCI_FEATURES"])
target = os.environ["MLCI_TARGET"]
task = os.environ["MLCI_TASK"]
classes = json.loads(os.environ["MLCI_CLASSES"])
params = json.loads(os.environ["MLCI_PARAMS"])
id_col = os.environ["MLCI_ID"]
out = os.environ["MLCI_OUTPUT"]
assert os.listdir(out) == [], "MLCI_OUTPUT is not empty"
with open(os.environ["MLCI_TRAIN_DATA"], newline="") as f:
    rows = list(csv.DictReader(f))
ids = [r[id_col] for r in rows]
X = np.array([[float(r[c]) for c in features] for r in rows], dtype=np.float64)
with open("seen_ids.txt", "w") as f:
    f.write("\n".join(ids))
print(f"fixture: {len(rows)} rows, features {features}, params {params}", flush=True)

F = len(features)
if task == "regression":
    y = np.array([float(r[target]) for r in rows])
    A = np.c_[X, np.ones(len(X))]
    coef = np.linalg.lstsq(A, y, rcond=None)[0]
    W = coef[:F].reshape(F, 1)
    b = coef[F:]
else:
    y = np.array([classes.index(r[target]) for r in rows])
    C = len(classes)
    W = np.stack([X[y == c].mean(axis=0) - X.mean(axis=0) for c in range(C)], axis=1)
    b = np.zeros(C)
W = W.astype(np.float32)
b = b.astype(np.float32)

nodes = []
inits = [helper.make_tensor("W", TensorProto.FLOAT, W.shape, W.flatten()),
         helper.make_tensor("b", TensorProto.FLOAT, b.shape, b)]
if a.form == "tensor":
    inputs = [helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, F])]
    x = "X"
elif a.form == "columns":
    inputs = [helper.make_tensor_value_info(c, TensorProto.DOUBLE, [None, 1]) for c in features]
    nodes.append(helper.make_node("Concat", features, ["Xd"], axis=1))
    nodes.append(helper.make_node("Cast", ["Xd"], ["X"], to=TensorProto.FLOAT))
    x = "X"
else:
    inputs = [helper.make_tensor_value_info("input", TensorProto.FLOAT, [None, F + 1])]
    inits.append(helper.make_tensor("idx", TensorProto.INT64, [F], list(range(F))))
    nodes.append(helper.make_node("Gather", ["input", "idx"], ["X"], axis=1))
    x = "X"
nodes.append(helper.make_node("MatMul", [x, "W"], ["z0"]))
nodes.append(helper.make_node("Add", ["z0", "b"], ["z"]))
outputs = []
if task == "regression":
    nodes.append(helper.make_node("Identity", ["z"], ["variable"]))
    outputs.append(helper.make_tensor_value_info("variable", TensorProto.FLOAT, [None, 1]))
else:
    nodes.append(helper.make_node("Softmax", ["z"], ["probs"], axis=1))
    if a.out == "nan":
        inits.append(helper.make_tensor("nan", TensorProto.FLOAT, [1], [float("nan")]))
        nodes.append(helper.make_node("Mul", ["probs", "nan"], ["probs_out"]))
    else:
        nodes.append(helper.make_node("Identity", ["probs"], ["probs_out"]))
    # The label is the class itself, as skl2onnx outputs it: a string from the class list.
    nodes.append(helper.make_node("ArgMax", ["probs"], ["index"], axis=1, keepdims=0))
    inits.append(helper.make_tensor("classes", TensorProto.STRING, [C],
                                    [c.encode() for c in classes]))
    nodes.append(helper.make_node("Gather", ["classes", "index"], ["label"], axis=0))
    outputs.append(helper.make_tensor_value_info("label", TensorProto.STRING, [None]))
    if a.out in ("zipmap", "wrong-classes"):
        keys = classes if a.out == "zipmap" else [c + "x" for c in classes]
        nodes.append(helper.make_node("ZipMap", ["probs_out"], ["output_probability"],
                                      domain="ai.onnx.ml", classlabels_strings=keys))
        outputs.append(helper.make_value_info(
            "output_probability",
            helper.make_sequence_type_proto(
                helper.make_map_type_proto(TensorProto.STRING,
                                           helper.make_tensor_type_proto(TensorProto.FLOAT, [])))))
    elif a.out in ("tensor", "nan"):
        outputs.append(helper.make_tensor_value_info("probs_out", TensorProto.FLOAT, [None, C]))
    elif a.out == "swapped":
        # Probabilities in the reverse order of the label's: what a model whose classes are
        # ordered differently from MLCI_CLASSES looks like.
        nodes.append(helper.make_node("Identity", ["probs_out"], ["p_rev0"]))
        inits.append(helper.make_tensor("rev", TensorProto.INT64, [C], list(range(C))[::-1]))
        nodes.append(helper.make_node("Gather", ["p_rev0", "rev"], ["probabilities"], axis=1))
        outputs.append(helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [None, C]))
    # "none": the label only.

graph = helper.make_graph(nodes, "fixture", inputs, outputs, inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                helper.make_opsetid("ai.onnx.ml", 1)])
model.ir_version = 8
onnx.checker.check_model(model)
if a.model == "ok":
    onnx.save(model, os.path.join(out, "model.onnx"))
elif a.model == "garbage":
    with open(os.path.join(out, "model.onnx"), "wb") as f:
        f.write(b"this is not an onnx model")

if a.metrics:
    with open(os.path.join(out, "metrics.json"), "w") as f:
        json.dump({"train_rows": len(rows)}, f)

if a.parity != "none":
    Wn = W.astype(np.float64)
    if a.parity == "broken":
        Wn = Wn * 1.5  # the "native" model is not what was converted
    z = X @ Wn + b
    with open(os.path.join(out, "train_predictions.csv"), "w", newline="") as f:
        w = csv.writer(f)
        if task == "regression":
            w.writerow(["id", "prediction"])
            for i, v in zip(ids, z[:, 0]):
                w.writerow([i, repr(float(v))])
        else:
            e = np.exp(z - z.max(axis=1, keepdims=True))
            pr = e / e.sum(axis=1, keepdims=True)
            w.writerow(["id"] + (classes[:1] if a.parity == "no-column" else classes))
            for n, (i, r) in enumerate([] if a.parity == "no-rows" else zip(ids, pr)):
                cells = [i] + [repr(float(v)) for v in r]
                if n == 3:  # the fourth data row (line 5) carries the fault asked for
                    if a.parity == "unknown-id":
                        cells[0] = "not-a-training-id"
                    elif a.parity == "nan":
                        cells[1] = "NaN"  # Java's Double.parseDouble reads it: refused as not finite
                    elif a.parity == "ragged":
                        cells = cells[:2]
                w.writerow(cells[:2] if a.parity == "no-column" else cells)
print("fixture: done", flush=True)
