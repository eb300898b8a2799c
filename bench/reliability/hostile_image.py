#!/usr/bin/env python3
"""Hostile bodies against a served mlci image under the manifests' memory limit (podman --memory 1g).

Runs IMAGE (a diabetes-example image, e.g. built by ImageIT or `mlci containerize` of
example-repos/diabetes) with podman, sends ROUNDS x (EACH of every pathological shape) 10 MiB bodies at
once, then checks: every answer is a 4xx, the container still runs and was not OOM-killed, and a valid
request is answered. Prints one RELIABILITY line with podman's memory figure. Python standard library only.

  python3 bench/reliability/hostile_image.py IMAGE [--server-jars DIR]

--server-jars mounts DIR over /app/server (the mlci jars), to try a server build in an existing image.
"""
import argparse
import http.client
import json
import socket
import subprocess
import sys
import threading
import time

MAX = 10 << 20
HEADER = "age,sex,bmi,bp,s1_tc,s2_ldl,s3_hdl,s4_tch,s5_ltg,s6_glu\n"


def fill(head, unit, sep, tail):
    n = (MAX - len(head) - len(tail) + len(sep)) // (len(unit) + len(sep))
    return (head + sep.join([unit] * n) + tail).encode()


SHAPES = {
    "csv-newlines": ("/invocations", "text/csv", (HEADER + "\n" * (MAX - len(HEADER))).encode()),
    "csv-commas": ("/invocations", "text/csv", b"," * MAX),
    "json-empty-arrays": ("/invocations", "application/json", fill('{"instances":[', "[]", ",", "]}")),
    "json-huge-string": ("/invocations", "application/json", fill('{"instances":[["', "x", "", '"]]}')),
    "json-tiny-numbers": ("/invocations", "application/json", fill('{"instances":[[', "1", ",", "]]}")),
    "v2-tiny-numbers": ("/v2/models/diabetes/infer", "application/json",
                        fill('{"inputs":[{"name":"age","datatype":"FP64","shape":[5000000],"data":[', "1", ",", "]}]}")),
    "v2-empty-arrays": ("/v2/models/diabetes/infer", "application/json",
                        fill('{"inputs":[{"name":"age","datatype":"FP64","shape":[1],"data":[', "[]", ",", "]}]}")),
}
VALID = HEADER + "59,2,32.1,101,157,93.2,38,4,4.8598,87\n"


def post(port, path, ctype, body, out, key):
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        c.request("POST", path, body=body, headers={"Content-Type": ctype})
        r = c.getresponse()
        out.append((key, r.status, r.read(300)))
    except Exception as e:  # noqa: BLE001 - reported as an outcome
        out.append((key, 0, repr(e).encode()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("image")
    ap.add_argument("--server-jars")
    ap.add_argument("--each", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=2)
    a = ap.parse_args()
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    name = f"mlci-hostile-{port}"
    cmd = ["podman", "run", "-d", "--rm", "--name", name, "--runtime", "runc", "--network", "host",
           "--memory", "1g", "--ulimit", "nofile=20000:20000", "--ulimit", "nproc=4096:4096",
           "-e", "MLCI_HOST=127.0.0.1", "-e", f"MLCI_PORT={port}"]
    if a.server_jars:
        cmd += ["-v", f"{a.server_jars}:/app/server:ro"]
    subprocess.run(cmd + [a.image], check=True, capture_output=True)
    try:
        for _ in range(300):
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/v2/health/ready")
                if c.getresponse().status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            sys.exit("the server did not become ready")
        outcomes = []
        for _ in range(a.rounds):
            threads = [threading.Thread(target=post, args=(port, p, t, b, outcomes, k))
                       for _ in range(a.each) for k, (p, t, b) in SHAPES.items()]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        inspected = subprocess.run(["podman", "inspect", name], capture_output=True, text=True).stdout
        try:
            state = json.loads(inspected)[0]["State"]
        except (ValueError, IndexError, KeyError):  # the container is gone
            state = {"Running": False}
        # The JVM's peak resident set, as the kernel counts it for the container's process.
        peak = 0
        if state.get("Pid"):
            with open(f"/proc/{state['Pid']}/status") as f:
                peak = next(int(l.split()[1]) << 10 for l in f if l.startswith("VmHWM:"))
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c.request("POST", "/invocations", body=VALID, headers={"Content-Type": "text/csv"})
            r = c.getresponse()
            valid = (r.status, r.read().decode())
        except OSError as e:
            valid = (0, repr(e))
        statuses = {}
        for _, st, _ in outcomes:
            statuses[st] = statuses.get(st, 0) + 1
        bad = [o for o in outcomes if not 400 <= o[1] < 500]
        print(f"RELIABILITY hostile-image: {len(outcomes)} bodies of {MAX} bytes, statuses {statuses},"
              f" running={state['Running']} oom_killed={state.get('OOMKilled')},"
              f" peak RSS {peak >> 20} MiB (limit 1024), valid request {valid[0]} {valid[1][:80]}")
        if bad or not state["Running"] or state.get("OOMKilled") or valid[0] != 200:
            print("FAILED:", bad[:3])
            sys.exit(1)
    finally:
        subprocess.run(["podman", "rm", "-f", name], capture_output=True)


if __name__ == "__main__":
    main()
