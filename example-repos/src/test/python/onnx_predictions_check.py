"""Scores the test rows of mlci's predictions.csv with the exported model.onnx through ONNX Runtime
in Python, independently of mlci's Java feeding, and prints the largest probability difference.
Both input forms: one input per column (skl2onnx), or one float tensor [N, F] of the columns in the
order of the model folder's features.json (tf2onnx, torch.onnx); probabilities as a ZipMap with a
label output, or as one tensor [N, classes] in mlci's class order (the label is then its argmax).

usage: onnx_predictions_check.py MODEL_DIR DATA_CSV PREDICTIONS_CSV ID_COLUMN
"""
import json
import sys

import numpy as np
import onnxruntime as ort
import pandas as pd

model_dir, data_csv, predictions_csv, id_col = sys.argv[1:5]
sess = ort.InferenceSession(f"{model_dir}/model.onnx", providers=["CPUExecutionProvider"])
pred = pd.read_csv(predictions_csv)
data = pd.read_csv(data_csv).set_index(id_col).loc[pred["id"]]
classes = [c[len("proba_"):] for c in pred.columns if c.startswith("proba_")]
inputs = sess.get_inputs()
feed = {}
if len(inputs) == 1 and len(inputs[0].shape) == 2 and inputs[0].name not in data.columns:
    with open(f"{model_dir}/features.json") as f:
        columns = [c["name"] for c in json.load(f)["columns"]]
    feed[inputs[0].name] = data[columns].to_numpy(dtype=np.float32)
else:
    for i in inputs:
        col = next(c for c in data.columns if c.replace(" ", "_") == i.name or c == i.name)
        feed[i.name] = data[[col]].to_numpy(dtype=np.float32)
outputs = sess.run(None, feed)
if len(outputs) == 1:
    onnx_p = np.asarray(outputs[0], dtype=np.float64)
    label = np.array(classes)[onnx_p.argmax(axis=1)]
else:
    label, proba = outputs
    onnx_p = np.array([[row[c] for c in classes] for row in proba])
mlci_p = pred[[f"proba_{c}" for c in classes]].to_numpy()
print(json.dumps({
    "rows": len(pred),
    "max_difference": float(np.abs(onnx_p - mlci_p).max()),
    "labels_agree": bool((np.asarray(label) == pred["prediction"].to_numpy()).all()),
}))
