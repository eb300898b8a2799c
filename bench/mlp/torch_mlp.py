#!/usr/bin/env python3
"""The breast-cancer-mlp example's network trained by PyTorch in Python, for the side-by-side in BENCHMARKS.md.

Same data, same test rows (the ids in mlci's predictions.csv), same architecture and training settings as
example-repos/breast-cancer-mlp/ml.yaml: standardised inputs (training statistics), 30 -> 128 -> 64 -> 2 with
ReLU, softmax cross-entropy, Adam lr 0.001, batch 32, at most 100 epochs, early stopping after 10 epochs without a
better loss on 10% of the training rows (seeded), best epoch kept; one CPU thread, as mlci trains.

  torch_mlp.py DATA.csv PREDICTIONS.csv RUNS   prints JSON: roc_auc, accuracy, epochs, seconds, seconds_per_epoch
"""
import copy
import json
import sys
import time

import numpy as np
import pandas as pd
import torch
from sklearn.metrics import accuracy_score, roc_auc_score


def train_once(x_train, y_train, x_test, seed):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(x_train))
    held = round(len(x_train) * 0.1)
    valid, train = order[:held], order[held:]
    xt, yt = torch.tensor(x_train[train]), torch.tensor(y_train[train])
    xv, yv = torch.tensor(x_train[valid]), torch.tensor(y_train[valid])
    net = torch.nn.Sequential(
        torch.nn.Linear(x_train.shape[1], 128), torch.nn.ReLU(),
        torch.nn.Linear(128, 64), torch.nn.ReLU(),
        torch.nn.Linear(64, 2))
    opt = torch.optim.Adam(net.parameters(), lr=0.001)
    loss_fn = torch.nn.CrossEntropyLoss()
    best, since, best_state, epochs = float("inf"), 0, None, 0
    start = time.perf_counter()
    for epoch in range(100):
        epochs += 1
        net.train()
        perm = torch.tensor(rng.permutation(len(xt)))
        for b in range(0, len(xt), 32):
            idx = perm[b:b + 32]
            opt.zero_grad()
            loss = loss_fn(net(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
        net.eval()
        with torch.no_grad():
            v = loss_fn(net(xv), yv).item()
        if v < best:
            best, since, best_state = v, 0, copy.deepcopy(net.state_dict())
        else:
            since += 1
            if since >= 10:
                break
    seconds = time.perf_counter() - start
    net.load_state_dict(best_state)
    with torch.no_grad():
        proba = torch.softmax(net(torch.tensor(x_test)), dim=1).numpy()
    return proba, epochs, seconds


def main(data_csv, predictions_csv, runs):
    torch.set_num_threads(1)
    data = pd.read_csv(data_csv, dtype={"sample_id": str}).set_index("sample_id")
    test_ids = pd.read_csv(predictions_csv, dtype={"id": str})["id"]
    features = [c for c in data.columns if c != "diagnosis"]
    test = data.loc[test_ids]
    train = data.drop(index=test_ids)
    mean, std = train[features].mean(), train[features].std(ddof=1)
    x_train = ((train[features] - mean) / std).to_numpy(np.float32)
    x_test = ((test[features] - mean) / std).to_numpy(np.float32)
    classes = sorted(data["diagnosis"].unique())  # benign, malignant: mlci's class order
    y_train = train["diagnosis"].map(classes.index).to_numpy(np.int64)
    y_test = test["diagnosis"].to_numpy()
    results = []
    for run in range(int(runs)):
        proba, epochs, seconds = train_once(x_train, y_train, x_test, 42)
        predicted = np.array(classes)[proba.argmax(axis=1)]
        results.append({
            "roc_auc": roc_auc_score(y_test == "malignant", proba[:, classes.index("malignant")]),
            "accuracy": accuracy_score(y_test, predicted),
            "epochs": epochs,
            "seconds": seconds,
            "seconds_per_epoch": seconds / epochs,
        })
    median = sorted(results, key=lambda r: r["seconds"])[len(results) // 2]
    print(json.dumps({"torch": torch.__version__, "runs": len(results), **median}))


if __name__ == "__main__":
    main(*sys.argv[1:4])
