#!/usr/bin/env python3
"""Sends the same /invocations requests to two scoring servers and prints what each answered.

  serve_compare.py MODEL_DIR URL_A URL_B
      builds the payloads from MODEL_DIR's serving_input_example.json and its MLmodel signature:
      every input form MLflow's scoring protocol has (dataframe_split, dataframe_records, instances
      as records and as rows, inputs as columns, text/csv) and bad requests (malformed JSON, no or
      two format keys, a missing column, a string in a numeric column, null in a required column,
      a column the model does not know, a ragged CSV row, an unsupported content type). Prints a JSON list, one entry per case:
      {"case", "a": ANSWER, "b": ANSWER}, ANSWER = {"status", "content_type", "error_code", "shape",
      "columns", "values"} where shape describes "predictions" (["records", rows] or
      ["list", rows, width] or ...), and values are the numbers, row by row in column order.
"""
import json
import sys
import urllib.error
import urllib.request


def post(url, body, content_type):
    request = urllib.request.Request(
        url + "/invocations", data=body, method="POST", headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


def describe(status, content_type, raw):
    answer = {"status": status, "content_type": content_type.split(";")[0].strip(),
              "error_code": None, "shape": None, "columns": None, "values": None}
    try:
        body = json.loads(raw)
    except ValueError:
        answer["shape"] = ["text", raw.decode("utf-8", "replace")[:200]]
        return answer
    if status != 200:
        answer["error_code"] = body.get("error_code") if isinstance(body, dict) else None
        answer["message"] = (body.get("message", "") if isinstance(body, dict) else "")[:300]
        return answer
    p = body.get("predictions")
    if isinstance(p, list) and p and isinstance(p[0], dict):
        answer["shape"] = ["records", len(p)]
        answer["columns"] = list(p[0].keys())
        answer["values"] = [[row[c] for c in answer["columns"]] for row in p]
    elif isinstance(p, list) and p and isinstance(p[0], list):
        answer["shape"] = ["list", len(p), len(p[0])]
        answer["values"] = p
    elif isinstance(p, dict):
        answer["shape"] = ["columns", sorted(p.keys())]
        answer["columns"] = list(p.keys())
    else:
        answer["shape"] = [type(p).__name__, len(p) if isinstance(p, list) else None]
        answer["values"] = p
    return answer


def payloads(model_dir):
    example = json.load(open(f"{model_dir}/serving_input_example.json"))["dataframe_split"]
    columns = example["columns"]
    row = example["data"][0]
    rows = [row, [v * 1.01 if isinstance(v, float) else v for v in row],
            [v * 0.99 if isinstance(v, float) else v for v in row]]
    records = [dict(zip(columns, r)) for r in rows]
    j = lambda o: json.dumps(o).encode()  # noqa: E731
    csv = (",".join(columns) + "\n" + "\n".join(",".join(repr(v) for v in r) for r in rows) + "\n")
    missing = {"columns": columns[1:], "data": [r[1:] for r in rows]}
    text_value = {"columns": columns, "data": [["abc"] + r[1:] for r in rows]}
    null_value = {"columns": columns, "data": [[None] + r[1:] for r in rows]}
    extra = {"columns": columns + ["not a column"], "data": [r + [1.0] for r in rows]}
    return [
        ("dataframe_split", j({"dataframe_split": {"columns": columns, "data": rows}}), "application/json"),
        ("dataframe_records", j({"dataframe_records": records}), "application/json"),
        ("instances_records", j({"instances": records}), "application/json"),
        ("instances_rows", j({"instances": rows}), "application/json"),
        ("inputs_columns", j({"inputs": {c: [r[i] for r in rows] for i, c in enumerate(columns)}}),
         "application/json"),
        ("text_csv", csv.encode(), "text/csv"),
        ("serving_input_example", open(f"{model_dir}/serving_input_example.json", "rb").read(),
         "application/json"),
        ("bad_malformed_json", b'{"dataframe_split": {', "application/json"),
        ("bad_no_format_key", j({"rows": rows}), "application/json"),
        ("bad_two_format_keys", j({"dataframe_split": {"columns": columns, "data": rows},
                                   "instances": records}), "application/json"),
        ("bad_missing_column", j({"dataframe_split": missing}), "application/json"),
        ("bad_string_in_numeric_column", j({"dataframe_split": text_value}), "application/json"),
        ("bad_null_in_required_column", j({"dataframe_split": null_value}), "application/json"),
        ("extra_column", j({"dataframe_split": extra}), "application/json"),
        ("bad_csv_ragged_row", (",".join(columns) + "\n1,2\n").encode(), "text/csv"),
        ("bad_content_type", j({"dataframe_split": {"columns": columns, "data": rows}}), "text/plain"),
    ]


def no_nan(o):
    if isinstance(o, float) and o != o:
        return "NaN"
    if isinstance(o, list):
        return [no_nan(x) for x in o]
    if isinstance(o, dict):
        return {k: no_nan(v) for k, v in o.items()}
    return o


def main(argv):
    model_dir, a, b = argv[1], argv[2], argv[3]
    out = []
    for case, body, content_type in payloads(model_dir):
        out.append({"case": case,
                    "a": describe(*post(a, body, content_type)),
                    "b": describe(*post(b, body, content_type))})
    # MLflow answers NaN predictions as the non-standard token NaN: shown as the string "NaN".
    print(json.dumps(no_nan(out), indent=1, allow_nan=False))


if __name__ == "__main__":
    main(sys.argv)
