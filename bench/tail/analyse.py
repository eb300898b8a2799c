"""bench/tail's analysis: one table row per constant-rate run listed in OUT/runs.txt.

Usage: python3 bench/tail/analyse.py OUT   (OUT holds runs.txt and, per run, vegeta's JSON report, its CSV
encoding, /usr/bin/time's output for the generator and the server's CPU seconds before and after). Exit 1 when a
run got no 2xx answer at all (the benchmark is broken); invalid rows are printed as such, exit 0.
"""
import csv, json, sys
import numpy as np
out = sys.argv[1]

def busy(path):
    """CPU share (% of one core) of the generator, from /usr/bin/time's user, sys and elapsed seconds."""
    user, sys_, wall = (float(x) for x in open(path).read().split()[-3:])
    return 100 * (user + sys_) / wall, wall

def server_cpu(path, wall):
    a, b = (float(x) for x in open(path).read().split())
    return 100 * (b - a) / wall

print("| server (1 core) | max rate (wrk -t1 -c32) | target rate | sent | 2xx | p50 | p99 | p99.9 "
      "| p99 from the actual send | generator CPU | server CPU |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
failed, invalid, maxima = [], [], {}
for line in open(f"{out}/runs.txt"):
    name, mx, share, rate = line.split()
    rate = int(rate)
    label = "mlci" if name == "mlci" else "mlflow models serve"
    if name not in maxima:
        wrk_cpu, wrk_wall = busy(f"{out}/{name}-max.time")
        maxima[name] = (wrk_cpu, server_cpu(f"{out}/{name}-max.server", wrk_wall))
    report = json.load(open(f"{out}/{name}-{share}.json"))
    rows = [(int(r[8]), int(r[0]), int(r[1]), int(r[2])) for r in csv.reader(open(f"{out}/{name}-{share}.csv"))]
    rows.sort()
    seq = np.array([r[0] for r in rows], dtype=np.float64)
    sent = np.array([r[1] for r in rows], dtype=np.float64)
    code = np.array([r[2] for r in rows])
    lat = np.array([r[3] for r in rows], dtype=np.float64)
    # Request number k was due at start + k / rate (vegeta's constant pacer); it left at `sent`. Its latency
    # counts from when it was due, so a request held back by a slow answer (all connections busy) is charged
    # the wait as well: the latency an open-loop client at that rate would see (wrk2's corrected latency).
    due = sent[0] + seq * 1e9 / rate
    corrected = np.maximum(lat, sent + lat - due) / 1e6
    p50, p99, p999 = np.percentile(corrected, [50, 99, 99.9])
    raw99 = np.percentile(lat / 1e6, 99)
    ok = float(np.mean((code >= 200) & (code < 300)))
    gen, gen_wall = busy(f"{out}/{name}-{share}.time")
    srv = server_cpu(f"{out}/{name}-{share}.server", gen_wall)
    why = []
    if report["rate"] < 0.98 * rate:
        why.append(f"sent {report['rate']:,.0f} of {rate:,} req/s")
    if ok < 1:
        why.append(f"answers {report['status_codes']}")
    if gen >= 90:
        why.append(f"generator at {gen:.0f}% of its core")
    lats = (f"| {p50:.2f} ms | {p99:.2f} ms | {p999:.2f} ms | {raw99:.2f} ms" if not why
            else "| invalid: " + "; ".join(why) + " | | | ")
    print(f"| {label} | {int(mx):,} req/s | {share}% = {rate:,} req/s | {report['rate']:,.0f} req/s | {ok * 100:.1f}% "
          f"{lats} | {gen:.0f}% | {srv:.0f}% |")
    if why:
        invalid.append(f"{label} at {share}%: " + "; ".join(why) + (f"; e.g. {report['errors'][:1]}" if report.get("errors") else ""))
    if ok == 0:
        failed.append(f"{label} at {share}%")
for name, (wrk_cpu, srv) in maxima.items():
    note = " (wrk near its core's limit: the maximum may be the generator's)" if wrk_cpu >= 90 else ""
    print(f"maximum-rate run, {'mlci' if name == 'mlci' else 'mlflow models serve'}: wrk {wrk_cpu:.0f}% of its core, "
          f"server {srv:.0f}%{note}")
for line in invalid:
    print(f"invalid row: {line}")
if failed:
    print("bench/tail: no request answered: " + "; ".join(failed), file=sys.stderr)
    sys.exit(1)
