"""Drives an mlci model server with V2 clients nobody here wrote, and checks its responses against the
Open Inference Protocol's OpenAPI file.

    v2_clients.py triton|kserve|spec --url http://127.0.0.1:PORT --cases cases.json [--spec FILE]

cases.json (written by the Java test): {"model", "columns", "categorical": [bool], "classes": [...],
"rows": [[value or null]], "expected": [[score, ...]]} -- the evaluated predictions of the test rows.

triton: tritonclient.http (pinned in .ci/requirements.txt) with its defaults (binary tensors in and
out) and with binary_data=False (JSON), per column and as one [N, F] tensor, FP64 / FP32 / INT64 /
BYTES, gzip and deflate both ways.
kserve: the kserve SDK's InferenceRESTClient (its own venv, see .ci/run) with protocol="v2", binary
(its default) and JSON inputs, JSON and binary outputs.
spec: plain HTTP to every V2 endpoint, good and bad requests, each response validated against the
schema open_inference_rest.yaml gives for it (openapi-schema-validator, OAS 3.0).

Prints one JSON object {"checks": [{"name", "passed", "detail"}]}; the Java test asserts them.
"""

import argparse
import copy
import json
import sys
import traceback

import numpy as np

TOLERANCE = 1e-6
CHECKS = []


def check(name, passed, detail=""):
    CHECKS.append({"name": name, "passed": bool(passed), "detail": str(detail)[:600]})


def guarded(name, fn):
    try:
        fn()
    except Exception as e:  # a failure of the client or server is a failed check, with its reason
        check(name, False, "".join(traceback.format_exception_only(type(e), e)).strip())


class Cases:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            c = json.load(f)
        self.model = c["model"]
        self.columns = c["columns"]
        self.categorical = c["categorical"]
        self.classes = c["classes"]
        self.rows = c["rows"]
        self.expected = np.array(c["expected"], dtype=np.float64)
        self.n = len(self.rows)

    def column(self, k):
        values = [r[k] for r in self.rows]
        if self.categorical[k]:
            # numpy clients hold a missing category as None in an object array
            return np.array(values, dtype=np.object_)
        return np.array([np.nan if v is None else v for v in values], dtype=np.float64)

    def matrix(self):
        return np.stack([self.column(k) for k in range(len(self.columns))], axis=1)

    def all_numeric(self):
        return not any(self.categorical)

    def integral(self, k):
        col = self.column(k)
        return (not self.categorical[k]) and np.all(np.isfinite(col)) and np.all(col == np.round(col))


def output_names(cases):
    main = "probabilities" if cases.classes else None
    return main


def compare(name, cases, served, served_classes, expected=None):
    """served: [N, K] (classification, in served_classes order) or [N] / [N, 1] values."""
    expected = cases.expected if expected is None else expected
    served = np.asarray(served, dtype=np.float64)
    if cases.classes:
        order = [served_classes.index(c) for c in cases.classes]
        served = served.reshape(cases.n, len(served_classes))[:, order]
    else:
        served = served.reshape(cases.n, 1)
    diff = float(np.max(np.abs(served - expected.reshape(served.shape))))
    check(name, diff <= TOLERANCE, f"{cases.n} rows, max |served - evaluated| = {diff:.3g}")
    return served


# ---------------------------------------------------------------- tritonclient


def run_triton(url, cases):
    import tritonclient.http as httpclient

    client = httpclient.InferenceServerClient(url=url.split("://", 1)[1], network_timeout=120)
    check("tritonclient is_server_live", client.is_server_live())
    check("tritonclient is_server_ready", client.is_server_ready())
    check("tritonclient is_model_ready", client.is_model_ready(cases.model))
    server = client.get_server_metadata()
    check(
        "tritonclient get_server_metadata lists the binary extension",
        "name" in server and "binary_tensor_data" in server.get("extensions", []),
        server,
    )
    meta = client.get_model_metadata(cases.model)
    inputs_ok = [i["name"] for i in meta["inputs"]] == cases.columns
    check("tritonclient get_model_metadata", inputs_ok and meta["platform"].count("_") >= 1, meta)
    main = meta["outputs"][0]["name"]
    classes = json.loads(meta["parameters"]["classes"]) if cases.classes else []
    check(
        "metadata advertises the [N, F] form exactly when it is accepted",
        ("matrix_input" in meta.get("parameters", {})) == cases.all_numeric(),
        meta.get("parameters"),
    )

    def per_column(datatypes, binary):
        inputs = []
        for k, name in enumerate(cases.columns):
            dt = datatypes[k]
            col = cases.column(k)
            if dt == "FP32":
                col = col.astype(np.float32)
            elif dt == "INT64":
                col = col.astype(np.int64)
            t = httpclient.InferInput(name, [cases.n, 1], dt)
            t.set_data_from_numpy(col.reshape(cases.n, 1), binary_data=binary)
            inputs.append(t)
        return inputs

    def infer(inputs, outputs=None, **kw):
        return client.infer(cases.model, inputs, outputs=outputs, **kw)

    fp64 = ["BYTES" if c else "FP64" for c in cases.categorical]
    # 1. The client's defaults: binary tensors, no outputs named -> binary_data_output.
    r = infer(per_column(fp64, True))
    compare("tritonclient default (binary in, binary out), FP64/BYTES per column", cases, r.as_numpy(main), classes)
    if cases.classes:
        labels = [l.decode() if isinstance(l, bytes) else l for l in r.as_numpy("label").tolist()]
        check("tritonclient binary BYTES output 'label'", len(labels) == cases.n and set(labels) <= set(classes), labels[:5])
    # 2. JSON only.
    r = infer(
        per_column(fp64, False),
        outputs=[httpclient.InferRequestedOutput(main, binary_data=False)],
    )
    compare("tritonclient binary_data=False (JSON in, JSON out)", cases, r.as_numpy(main), classes)
    # 3. Binary in, JSON out and JSON in, binary out.
    r = infer(per_column(fp64, True), outputs=[httpclient.InferRequestedOutput(main, binary_data=False)])
    compare("tritonclient binary in, JSON out", cases, r.as_numpy(main), classes)
    r = infer(per_column(fp64, False), outputs=[httpclient.InferRequestedOutput(main, binary_data=True)])
    compare("tritonclient JSON in, binary out", cases, r.as_numpy(main), classes)
    # 4. INT64 for the integral columns (values unchanged, so predictions are the evaluated ones).
    ints = [("INT64" if cases.integral(k) else dt) for k, dt in enumerate(fp64)]
    if "INT64" in ints:
        for binary in (True, False):
            r = infer(per_column(ints, binary))
            compare(f"tritonclient INT64 columns {'binary' if binary else 'JSON'}", cases, r.as_numpy(main), classes)
    # 5. FP32: the values are rounded to float32, so the reference is the server's FP64 answer for
    #    the same rounded values.
    fp32 = ["BYTES" if c else "FP32" for c in cases.categorical]
    rounded = [
        httpclient.InferInput(name, [cases.n, 1], "BYTES" if cases.categorical[k] else "FP64")
        for k, name in enumerate(cases.columns)
    ]
    for k, t in enumerate(rounded):
        col = cases.column(k)
        if not cases.categorical[k]:
            col = col.astype(np.float32).astype(np.float64)
        t.set_data_from_numpy(col.reshape(cases.n, 1), binary_data=False)
    reference = infer(rounded).as_numpy(main)
    for binary in (True, False):
        r = infer(per_column(fp32, binary))
        diff = float(np.max(np.abs(r.as_numpy(main) - reference)))
        check(
            f"tritonclient FP32 columns {'binary' if binary else 'JSON'} = FP64 of the same values",
            diff <= TOLERANCE,
            f"max diff {diff:.3g}",
        )
    # 6. One [N, F] tensor.
    if cases.all_numeric():
        for dt in ("FP64", "FP32"):
            for binary in (True, False):
                m = cases.matrix().astype(np.float64 if dt == "FP64" else np.float32)
                t = httpclient.InferInput("input", list(m.shape), dt)
                t.set_data_from_numpy(m, binary_data=binary)
                r = infer([t])
                name = f"tritonclient one [N, F] {dt} tensor, {'binary' if binary else 'JSON'}"
                if dt == "FP64":
                    compare(name, cases, r.as_numpy(main), classes)
                else:
                    diff = float(np.max(np.abs(r.as_numpy(main) - reference)))
                    check(name + " = FP64 of the same values", diff <= TOLERANCE, f"max diff {diff:.3g}")
    # 7. Compressed requests and responses.
    for algorithm in ("gzip", "deflate"):
        r = infer(
            per_column(fp64, True),
            request_compression_algorithm=algorithm,
            response_compression_algorithm=algorithm,
        )
        compare(f"tritonclient {algorithm} request and response", cases, r.as_numpy(main), classes)
    # 8. A request id comes back as the string it was.
    r = infer(per_column(fp64, True), request_id="42")
    check("tritonclient request_id echoed", r.get_response().get("id") == "42", r.get_response().get("id"))


# ---------------------------------------------------------------- kserve SDK


def run_kserve(url, cases):
    import asyncio

    from kserve import InferenceRESTClient, InferInput, InferRequest, RESTConfig
    from kserve.protocol.infer_type import RequestedOutput

    async def main():
        client = InferenceRESTClient(RESTConfig(protocol="v2", timeout=120))
        try:
            check("kserve is_server_live", await client.is_server_live(url))
            check("kserve is_server_ready", await client.is_server_ready(url))
            check("kserve is_model_ready", await client.is_model_ready(url, cases.model))
            import httpx

            async with httpx.AsyncClient() as http:
                meta = (await http.get(f"{url}/v2/models/{cases.model}")).json()
            out = meta["outputs"][0]["name"]
            classes = json.loads(meta["parameters"]["classes"]) if cases.classes else []

            def inputs(binary):
                result = []
                for k, name in enumerate(cases.columns):
                    dt = "BYTES" if cases.categorical[k] else "FP64"
                    t = InferInput(name=name, shape=[cases.n, 1], datatype=dt)
                    t.set_data_from_numpy(cases.column(k).reshape(cases.n, 1), binary_data=binary)
                    result.append(t)
                return result

            def output(response):
                for o in response.outputs:
                    if o.name == out:
                        return o.as_numpy()
                raise AssertionError(f"no output {out} in {[o.name for o in response.outputs]}")

            variants = [
                ("kserve default (binary inputs), JSON outputs", True, None, None),
                ("kserve binary inputs, binary output (binary_data)", True, {"binary_data": True}, None),
                ("kserve binary inputs, binary_data_output", True, None, {"binary_data_output": True}),
                ("kserve JSON inputs (binary_data=False), JSON outputs", False, None, None),
            ]
            for name, binary, out_params, params in variants:
                try:
                    request = InferRequest(
                        model_name=cases.model,
                        infer_inputs=inputs(binary),
                        request_outputs=[RequestedOutput(name=out, parameters=out_params)]
                        if out_params
                        else None,
                        parameters=params,
                    )
                    response = await client.infer(url, request, model_name=cases.model)
                    compare(name, cases, output(response), classes)
                except Exception as e:
                    check(name, False, "".join(traceback.format_exception_only(type(e), e)).strip())
        finally:
            await client.close()

    asyncio.run(main())


# ---------------------------------------------------------------- the OpenAPI file


def run_spec(url, cases, spec_path):
    import urllib.error
    import urllib.request

    import yaml
    from openapi_schema_validator import OAS30Validator

    with open(spec_path, encoding="utf-8") as f:
        spec = yaml.safe_load(f)
    components = spec["components"]
    # The binary extension replaces an output's 'data' by parameters.binary_data_size in the JSON
    # header: that header is validated with 'data' no longer required, everything else as written.
    binary_components = copy.deepcopy(components)
    binary_components["schemas"]["response_output"]["required"].remove("data")

    def spec_schema(path, method, status):
        op = spec["paths"][path][method]
        content = op["responses"][str(status)].get("content")
        return content["application/json"]["schema"] if content else None

    def validate(name, schema, body, comps=components):
        if schema is None:
            check(name, True, "the spec defines no body for this response")
            return
        root = dict(schema)
        root["components"] = comps
        errors = sorted(OAS30Validator(root).iter_errors(body), key=str)
        check(name, not errors, "; ".join(e.message for e in errors[:3]) or json.dumps(body)[:300])

    def call(method, path, body=None, headers=None):
        data = json.dumps(body).encode() if isinstance(body, (dict, list)) else body
        req = urllib.request.Request(url + path, data=data, method=method, headers=headers or {})
        if data is not None and "Content-Type" not in (headers or {}):
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    model_path = "/v2/models/${MODEL_NAME}/versions/${MODEL_VERSION}"
    m = f"/v2/models/{cases.model}"

    for path in ("/v2/health/live", "/v2/health/ready", m + "/ready"):
        status, _, _ = call("GET", path)
        check(f"GET {path} is 200", status == 200, status)
    for path in ("/v2", "/v2/"):
        status, _, body = call("GET", path)
        check(f"GET {path} is 200", status == 200, status)
        validate(f"GET {path} body matches metadata_server_response", spec_schema("/v2/", "get", 200), json.loads(body))
    status, _, body = call("GET", m)
    meta = json.loads(body)
    validate(f"GET {m} body matches metadata_model_response", spec_schema(model_path, "get", 200), meta)
    version = meta["versions"][0]
    status, _, body = call("GET", f"{m}/versions/{version}")
    validate("GET with the version matches metadata_model_response", spec_schema(model_path, "get", 200), json.loads(body))
    check(
        "model metadata parameters are strings, numbers or booleans (inference_rest.md $parameter)",
        all(isinstance(v, (str, int, float, bool)) for v in meta.get("parameters", {}).values()),
        meta.get("parameters"),
    )

    def tensors(rows):
        out = []
        for k, name in enumerate(cases.columns):
            values = [r[k] for r in rows]
            out.append(
                {
                    "name": name,
                    "datatype": "BYTES" if cases.categorical[k] else "FP64",
                    "shape": [len(rows), 1],
                    "data": values,
                }
            )
        return out

    ok_schema = spec_schema(model_path + "/infer", "post", 200)
    err_schema = spec_schema(model_path + "/infer", "post", 400)
    rows = cases.rows[:5]
    for rid in ("abc", 42):
        status, _, body = call("POST", m + "/infer", {"id": rid, "inputs": tensors(rows)})
        parsed = json.loads(body)
        validate(f"infer (id {rid!r}) matches inference_response", ok_schema, parsed)
        check(f"id {rid!r} echoed as the string {str(rid)!r}", parsed.get("id") == str(rid), parsed.get("id"))
    status, headers, body = call(
        "POST",
        m + "/infer",
        {"inputs": tensors(rows), "outputs": [{"name": meta["outputs"][0]["name"], "parameters": {"binary_data": True}}]},
    )
    n = int(headers.get("Inference-Header-Content-Length", len(body)))
    validate(
        "binary response's JSON header matches inference_response (data carried in binary)",
        ok_schema,
        json.loads(body[:n]),
        binary_components,
    )
    bad = [
        ("malformed JSON", b'{"inputs": [', {}),
        ("unknown input", {"inputs": [{"name": "nope", "datatype": "FP64", "shape": [1], "data": [1]}]}, {}),
        ("wrong shape", {"inputs": [dict(tensors(rows)[0], shape=[9, 1])]}, {}),
        ("text/plain body", json.dumps({"inputs": tensors(rows)}).encode(), {"Content-Type": "text/plain"}),
        ("unsupported Content-Encoding", b"\x8b\x00", {"Content-Type": "application/json", "Content-Encoding": "br"}),
        ("binary header longer than the body", b"{}", {"Inference-Header-Content-Length": "99"}),
        (
            "Triton's classification extension (not implemented)",
            {"inputs": tensors(rows), "outputs": [{"name": meta["outputs"][0]["name"], "parameters": {"classification": 2}}]},
            {},
        ),
    ]
    for name, body, headers in bad:
        status, _, reply = call("POST", m + "/infer", body, headers)
        check(f"{name}: 4xx", 400 <= status < 500, status)
        try:
            validate(f"{name}: body matches inference_error_response", err_schema, json.loads(reply))
        except ValueError:
            check(f"{name}: body matches inference_error_response", False, reply[:200])
    for path in (f"/v2/models/{cases.model}-unknown", f"{m}/versions/unknown"):
        status, _, reply = call("GET", path)
        check(f"GET {path}: 404", status == 404, status)
        validate(f"GET {path}: error body", spec_schema("/v2/", "get", 400), json.loads(reply))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("client", choices=["triton", "kserve", "spec"])
    p.add_argument("--url", required=True)
    p.add_argument("--cases", required=True)
    p.add_argument("--spec")
    a = p.parse_args()
    cases = Cases(a.cases)
    if a.client == "triton":
        guarded("tritonclient", lambda: run_triton(a.url, cases))
    elif a.client == "kserve":
        guarded("kserve", lambda: run_kserve(a.url, cases))
    else:
        guarded("spec", lambda: run_spec(a.url, cases, a.spec))
    json.dump({"checks": CHECKS}, sys.stdout)


if __name__ == "__main__":
    main()
