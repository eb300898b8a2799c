"""Scores the test rows of mlci's predictions.csv with the exported model.onnx through ONNX Runtime
in Python, independently of mlci's Java feeding, and prints the largest probability difference.

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
feed = {}
for i in sess.get_inputs():
    col = next(c for c in data.columns if c.replace(" ", "_") == i.name or c == i.name)
    feed[i.name] = data[[col]].to_numpy(dtype=np.float32)
label, proba = sess.run(None, feed)
classes = [c[len("proba_"):] for c in pred.columns if c.startswith("proba_")]
onnx_p = np.array([[row[c] for c in classes] for row in proba])
mlci_p = pred[[f"proba_{c}" for c in classes]].to_numpy()
print(json.dumps({
    "rows": len(pred),
    "max_difference": float(np.abs(onnx_p - mlci_p).max()),
    "labels_agree": bool((np.asarray(label) == pred["prediction"].to_numpy()).all()),
}))
