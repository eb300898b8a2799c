#!/usr/bin/env python3
"""Reads what mlci recorded through MLflow's own Python client, for mlci's tests (never mlci's code).

  mlflow_check.py run TRACKING_URI RUN_ID
      prints the run: status, name, params, metrics, tags, the training_loss history, dataset inputs
      and every artifact path (recursively)
  mlflow_check.py alias TRACKING_URI NAME ALIAS
      prints the model version the alias points at: version, run_id, source
  mlflow_check.py count TRACKING_URI EXPERIMENT MODEL METRIC
      prints what the server holds, deleted or not: {"experiments": ids named EXPERIMENT, "runs":
      [{"run_id", "status", "params", "tags", "metrics": repr of each value (NaN stays readable),
      "history": the points of METRIC, "artifacts"}], "versions": [{"version", "run_id"}] of MODEL}
  mlflow_check.py local MLRUNS_DIR EXPERIMENT
      prints every run of the experiment in mlci's local record, read by MLflow's file store
  mlflow_check.py pyfunc MODEL_DIR DATA.csv ID_COLUMN PREDICTIONS.csv
      loads MODEL_DIR with mlflow.pyfunc.load_model, predicts the test rows of predictions.csv from
      a pandas DataFrame of the input columns, prints {"rows": n, "shape", "columns",
      "max_abs_diff": d} (the frame's shape and columns as pyfunc returned them)
  mlflow_check.py deps MODEL_DIR
      prints {"path", "requirements"} from mlflow.pyfunc.get_model_dependencies
  mlflow_check.py pyfunc-server MODEL_DIR DATA.csv ROWS SERVER_URL
      for a model trainer: external exported (one ONNX input per column): loads MODEL_DIR with
      mlflow.pyfunc.load_model, predicts the first ROWS rows of DATA.csv from a DataFrame whose
      columns are named as the signature's inputs (the ONNX input names), asks mlci's server at
      SERVER_URL (/invocations, dataframe_split, the data's own column names) for the same rows,
      prints {"rows", "outputs": pyfunc's columns, "columns": the server's, "max_abs_diff"}
  mlflow_check.py pyfunc-error MODEL_DIR
      prints {"error": message} of mlflow.pyfunc.load_model, or {"error": null} when it loads
"""
import json
import os
import sys


def artifacts(client, run_id, path=None):
    out = []
    for f in client.list_artifacts(run_id, path):
        if f.is_dir:
            out.extend(artifacts(client, run_id, f.path))
        else:
            out.append(f.path)
    return out


def describe(client, run, with_artifacts=True):
    rid = run.info.run_id
    return {
        "run_id": rid,
        "run_name": run.info.run_name,
        "status": run.info.status,
        "params": run.data.params,
        "metrics": run.data.metrics,
        "tags": {k: v for k, v in run.data.tags.items()},
        "training_loss": [[m.step, m.value] for m in client.get_metric_history(rid, "training_loss")],
        "inputs": sorted([
            {
                "name": d.dataset.name,
                "digest": d.dataset.digest,
                "source_type": d.dataset.source_type,
                "context": {t.key: t.value for t in d.tags}.get("mlflow.data.context"),
            }
            for d in run.inputs.dataset_inputs
        ], key=lambda d: d["name"]),
        "artifacts": sorted(artifacts(client, rid)) if with_artifacts else [],
    }


def main(argv):
    from mlflow import MlflowClient

    cmd = argv[1]
    if cmd == "run":
        client = MlflowClient(tracking_uri=argv[2])
        result = describe(client, client.get_run(argv[3]))
    elif cmd == "alias":
        client = MlflowClient(tracking_uri=argv[2], registry_uri=argv[2])
        v = client.get_model_version_by_alias(argv[3], argv[4])
        result = {"version": v.version, "run_id": v.run_id, "source": v.source, "aliases": list(v.aliases)}
    elif cmd == "count":
        from mlflow.entities import ViewType

        client = MlflowClient(tracking_uri=argv[2], registry_uri=argv[2])
        exps = client.search_experiments(view_type=ViewType.ALL, filter_string=f"name = '{argv[3]}'")
        runs = client.search_runs([e.experiment_id for e in exps], run_view_type=ViewType.ALL) if exps else []
        versions = client.search_model_versions(f"name = '{argv[4]}'")
        result = {
            "experiments": [e.experiment_id for e in exps],
            "runs": [{"run_id": r.info.run_id, "status": r.info.status, "params": r.data.params,
                      "tags": r.data.tags, "metrics": {k: repr(v) for k, v in r.data.metrics.items()},
                      "history": [[m.step, m.value] for m in client.get_metric_history(r.info.run_id, argv[5])],
                      "artifacts": artifacts(client, r.info.run_id)}
                     for r in runs],
            "versions": [{"version": v.version, "run_id": v.run_id} for v in versions],
        }
    elif cmd == "local":
        os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
        client = MlflowClient(tracking_uri="file://" + os.path.abspath(argv[2]))
        exp = client.get_experiment_by_name(argv[3])
        runs = client.search_runs([exp.experiment_id], order_by=["attributes.start_time DESC"])
        result = [describe(client, r) for r in runs]
    elif cmd == "pyfunc":
        import numpy as np
        import pandas as pd
        import mlflow.pyfunc

        model = mlflow.pyfunc.load_model(argv[2])
        columns = [c.name for c in model.metadata.get_input_schema().inputs]
        rows = pd.read_csv(argv[3], dtype={argv[4]: str}).set_index(argv[4])
        pred = pd.read_csv(argv[5], dtype={"id": str})
        x = rows.loc[pred["id"], columns].reset_index(drop=True)
        got = model.predict(x)
        cols = [c for c in pred.columns if c.startswith(("proba_", "score_"))] or ["prediction"]
        want = pred[cols].to_numpy(dtype=np.float64)
        # MLflow's ONNX pyfunc returns each output tensor as one flattened column of a DataFrame;
        # mlci's graph has one [N, 1] output per column of predictions.csv: an N x K frame.
        result = {"rows": int(len(x)), "shape": list(got.shape), "columns": list(got.columns),
                  "max_abs_diff": float(np.abs(got[cols].to_numpy(dtype=np.float64) - want).max())}
    elif cmd == "pyfunc-server":
        import re
        import urllib.request

        import numpy as np
        import pandas as pd
        import mlflow.pyfunc

        model = mlflow.pyfunc.load_model(argv[2])
        inputs = [i.name for i in model.metadata.get_input_schema().inputs]
        data = pd.read_csv(argv[3]).head(int(argv[4]))
        # The DataFrame a user builds for MLflow: one column per ONNX input, named as the signature
        # names it (skl2onnx's sanitised column names), the raw values of the data's columns.
        source = {re.sub(r"[^A-Za-z0-9_]", "_", c): c for c in data.columns} | {c: c for c in data.columns}
        frame = pd.DataFrame({name: data[source[name]] for name in inputs})
        got = model.predict(frame)
        columns = [source[name] for name in inputs]
        body = json.dumps({"dataframe_split": {"columns": columns,
                                               "data": data[columns].astype(object).values.tolist()}})
        req = urllib.request.Request(argv[5] + "/invocations", body.encode(),
                                     {"Content-Type": "application/json"})
        served = json.load(urllib.request.urlopen(req))["predictions"]
        served_columns = list(served[0].keys())
        # The signature made the frame a dictionary of tensors, so MLflow answers the graph's
        # outputs by name (a DataFrame, had the frame been fed as it is).
        outputs = got if isinstance(got, dict) else {c: list(got[c]) for c in got.columns}
        if any(c.startswith("proba_") for c in served_columns):
            # skl2onnx's ZipMap: one {class: probability} per row.
            zipmap = next(v for v in outputs.values() if isinstance(v[0], dict))
            ours = np.array([[m[c[len("proba_"):]] for c in served_columns] for m in zipmap])
        else:
            ours = np.asarray(next(iter(outputs.values())), dtype=np.float64).reshape(len(frame), -1)
        theirs = np.array([[r[c] for c in served_columns] for r in served], dtype=np.float64)
        result = {"rows": int(len(frame)), "outputs": list(outputs), "columns": served_columns,
                  "max_abs_diff": float(np.abs(ours - theirs).max())}
    elif cmd == "deps":
        from mlflow.pyfunc import get_model_dependencies

        path = get_model_dependencies(argv[2])
        result = {"path": path, "requirements": open(path).read().split()}
    elif cmd == "pyfunc-error":
        import mlflow.pyfunc

        try:
            mlflow.pyfunc.load_model(argv[2])
            result = {"error": None}
        except Exception as e:  # what MLflow tells a user who tries
            result = {"error": str(e)}
    else:
        raise SystemExit(f"unknown command {cmd}")
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv)
