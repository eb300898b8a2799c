"""Trains the breast-cancer network with TensorFlow Keras and exports it to ONNX for mlci.

The founding document's own network, adapted to mlci's contract (trainer: external):
StandardScaler on the features, Dense(128, relu) -> Dense(64, relu) -> Dense(1, sigmoid), Adam,
binary cross-entropy, 10 epochs, batch 32. The standard scaling is a Keras Normalization layer
(the training rows' mean and population variance, what StandardScaler computes), so it is part of
the exported graph: the raw feature values go in, as mlci and the model server feed them.

mlci owns the data split (MLCI_TRAIN_DATA holds the training rows only) and the evaluation (it
scores the test rows through ONNX Runtime, the runtime that serves this model), so there is no
train_test_split here.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

# Quiet TensorFlow's start-up banner; one thread and deterministic kernels, so that the same
# commit trains the same weights (the gate then PASSes an unchanged model against its baseline).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["TF_DETERMINISTIC_OPS"] = "1"
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"  # plain Eigen kernels: the same sums in the same order everywhere
os.environ["TF_NUM_INTRAOP_THREADS"] = "1"
os.environ["TF_NUM_INTEROP_THREADS"] = "1"

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import pandas as pd  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402

features = json.loads(os.environ["MLCI_FEATURES"])
target = os.environ["MLCI_TARGET"]
classes = json.loads(os.environ["MLCI_CLASSES"])
params = json.loads(os.environ["MLCI_PARAMS"])
seed = int(os.environ["MLCI_SEED"])
out = os.environ["MLCI_OUTPUT"]

if len(classes) != 2:
    raise SystemExit(f"train.py trains a binary classifier; MLCI_CLASSES is {classes}")

tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)
tf.config.experimental.enable_op_determinism()
keras.utils.set_random_seed(seed)  # Python, NumPy and TensorFlow generators: weights, shuffling

train = pd.read_csv(os.environ["MLCI_TRAIN_DATA"])
X = train[features].to_numpy(dtype=np.float32)
# The sigmoid's output is the probability of MLCI_CLASSES[1]; the exported graph gives both
# classes' probabilities in MLCI_CLASSES order.
y = (train[target].astype(str) == classes[1]).to_numpy(dtype=np.float32)

scaler = keras.layers.Normalization(axis=-1, name="standard_scaler")
scaler.adapt(X)
model = keras.Sequential(
    [
        keras.Input(shape=(len(features),), name="features"),
        scaler,
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=float(params.get("learning_rate", 0.001))),
    loss="binary_crossentropy",
    metrics=["accuracy"],
)
started = time.perf_counter()
history = model.fit(
    X,
    y,
    epochs=int(params.get("epochs", 10)),
    batch_size=int(params.get("batch_size", 32)),
    shuffle=True,
    verbose=2,
)
print(
    f"trained on {len(X)} rows, {len(features)} features, classes {classes}"
    f" in {time.perf_counter() - started:.1f} s"
)


# The served model: the trained network plus the other class's probability, so that the graph
# gives [N, 2] probabilities in MLCI_CLASSES order, as mlci reads a classifier.
inputs = keras.Input(shape=(len(features),), name="features")
p = model(inputs)
served = keras.Model(inputs, keras.layers.Concatenate(name="probabilities")([1.0 - p, p]))

# Exported through a SavedModel with tf2onnx's command line, the route tf2onnx supports for Keras 3:
# its from_keras fails on Keras 3 models (onnx/tensorflow-onnx#2448), and from_function leaves the
# Normalization layer's mean and variance as extra graph inputs. One float tensor [N, F] in
# MLCI_FEATURES order in, one [N, 2] of probabilities out.
with tempfile.TemporaryDirectory() as saved:
    served.export(saved, format="tf_saved_model", verbose=False)
    convert = subprocess.run(
        [
            sys.executable,
            "-m",
            "tf2onnx.convert",
            "--saved-model",
            saved,
            "--opset",
            "17",
            "--rename-outputs",
            "probabilities",
            "--output",
            os.path.join(out, "model.onnx"),
        ],
        capture_output=True,
        text=True,
    )
    if convert.returncode != 0:
        print(convert.stdout + convert.stderr, file=sys.stderr)
        raise SystemExit(f"tf2onnx failed with exit {convert.returncode} (its output above)")

# tf2onnx notes the SavedModel's temporary path in the graph; without it the same weights give the
# same bytes, so an unchanged commit yields a model.onnx of the same digest.
exported = onnx.load(os.path.join(out, "model.onnx"))
exported.graph.doc_string = "train.py: Keras 3 SavedModel converted by tf2onnx"
onnx.save(exported, os.path.join(out, "model.onnx"))

# The native model's scores on the training rows, float32 as Keras computes them: mlci's parity
# check compares them with the exported graph's, which catches a conversion error.
native = served.predict(X, batch_size=256, verbose=0)
scores = pd.DataFrame(native, columns=classes)
scores.insert(0, "id", train[os.environ["MLCI_ID"]])
scores["label"] = np.array(classes)[native.argmax(axis=1)]
scores.to_csv(os.path.join(out, "train_predictions.csv"), index=False, float_format="%.9g")

with open(os.path.join(out, "metrics.json"), "w") as f:
    json.dump(
        {
            "train_loss": float(history.history["loss"][-1]),
            "train_accuracy": float(history.history["accuracy"][-1]),
        },
        f,
    )
