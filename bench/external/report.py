"""bench/external's report: the overhead and the breakdown of each mlci process, from the time-stamped
progress lines (NAME.log: "<seconds since start> <line>") and GNU time's wall and CPU (NAME.time), the
median of the runs."""
import re
import statistics
import sys

work, runs, rows, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]


def wall(name):
    e, u, s = open(f"{work}/{name}.time").read().split()
    return float(e), float(u) + float(s)


def stamps(name):
    out = []
    for line in open(f"{work}/{name}.log"):
        t, _, text = line.rstrip("\n").partition(" ")
        out.append((float(t), text))
    return out


def at(lines, pattern):
    for t, text in lines:
        if re.search(pattern, text):
            return t
    raise SystemExit(f"bench/external: no progress line matching {pattern!r} in the log")


TRAIN = [  # (phase, the line that ends it)
    ("JVM start, ml.yaml, reading + checking + splitting the CSV", r"^read \d+ rows"),
    ("hand-off: writing MLCI_TRAIN_DATA", r"^handed \d+ training rows"),
    ("the command (process start to exit, as mlci times it)", r"^training: .*: (done|failed)"),
    ("ONNX Runtime: load, session, score the training rows", r"^scored the \d+ training rows"),
    ("parity check (reading train_predictions.csv)", r"^parity: "),
    ("model directory, checksums, run.json, tracked run", r"^trained external on"),
    ("summary and JVM exit", None),
]
EVALUATE = [
    ("JVM start, ml.yaml, model directory, reading + checking + splitting the CSV", r"^scoring \d+ test examples \.\.\."),
    ("scoring: ONNX Runtime load, session, test rows, metrics", r"^scoring \d+ test examples: done"),
    ("evaluation files, bundle, tracked run", r"^evaluated on"),
    ("summary and JVM exit", None),
]
RUN = [  # mlci run: train, evaluate, gate in one process
    ("JVM start, ml.yaml, reading + checking + splitting the CSV", r"^read \d+ rows"),
    ("hand-off: writing MLCI_TRAIN_DATA", r"^handed \d+ training rows"),
    ("the command (process start to exit, as mlci times it)", r"^training: .*: (done|failed)"),
    ("ONNX Runtime: load, session, score the training rows", r"^scored the \d+ training rows"),
    ("parity check (reading train_predictions.csv)", r"^parity: "),
    ("model directory, checksums, run.json, tracked run", r"^trained external on"),
    ("evaluate: model directory, the data (train's rows, SHA-256 checked, or read again)", r"^scoring \d+ test examples \.\.\."),
    ("scoring: ONNX Runtime load, session, test rows, metrics", r"^scoring \d+ test examples: done"),
    ("evaluation files, bundle, tracked run", r"^evaluated on"),
    ("gate (no-op, file baseline; not counted)", r"^reports: "),
    ("summary and JVM exit", None),
]


def phases(name, spec):
    """Each phase's seconds: from the previous phase's last line to its own; the last phase ends at the
    process's exit (GNU time's wall, from the same start as the time stamps)."""
    lines = stamps(name)
    out, prev = [], 0.0
    for phase, pattern in spec:
        t = wall(name)[0] if pattern is None else at(lines, pattern)
        out.append((phase, t - prev))
        prev = t
    return out


def started_early(name):
    """Seconds the command ran before the hand-off (started as soon as MLCI_TRAIN_DATA was written, while
    the data was read and checked), from the hand-off line; 0 when it started at the hand-off."""
    for _, text in stamps(name):
        m = re.search(r"^handed \d+ training rows.*the command started on it ([\d.]+)s ago", text)
        if m:
            return float(m.group(1))
    return 0.0


def median(xs):
    return statistics.median(xs)


per_run = []
for i in range(1, runs + 1):
    a, _ = wall(f"alone.{i}")
    tr, trc = wall(f"train{k}.{i}")
    ev, evc = wall(f"evaluate{k}.{i}")
    tp = phases(f"train{k}.{i}", TRAIN)
    ep = phases(f"evaluate{k}.{i}", EVALUATE)
    scoring = ep[1][1]
    ru, ruc = wall(f"run{k}.{i}")
    rp = phases(f"run{k}.{i}", RUN)
    run_scoring, run_gate = rp[7][1], rp[9][1]
    per_run.append(dict(alone=a, train=tr, train_cpu=trc, evaluate=ev, evaluate_cpu=evc, scoring=scoring,
                        overhead=tr + ev - a - scoring, tp=tp, ep=ep,
                        run=ru, run_cpu=ruc, rp=rp, run_overhead=ru - a - run_scoring - run_gate,
                        run_scoring=run_scoring, run_gate=run_gate,
                        train_early=started_early(f"train{k}.{i}"), run_early=started_early(f"run{k}.{i}")))

print(f"\nrows: {rows}; runs: {runs} (medians; every run's overhead: "
      + ", ".join("%.2f s" % r["overhead"] for r in per_run) + ")\n")
print("| | wall time |")
print("|---|---|")
print("| the script alone (whole Python process) | %.2f s |" % median([r["alone"] for r in per_run]))
print("| `mlci train` (whole process) | %.2f s (CPU %.2f s) |" % (median([r["train"] for r in per_run]),
                                                                 median([r["train_cpu"] for r in per_run])))
for k, (phase, _) in enumerate(TRAIN):
    print("| … %s | %.2f s |" % (phase, median([r["tp"][k][1] for r in per_run])))
print("| … (the command's start before the hand-off, while the data was read and checked) | %.2f s |"
      % median([r["train_early"] for r in per_run]))
print("| `mlci evaluate` (whole process) | %.2f s (CPU %.2f s) |" % (median([r["evaluate"] for r in per_run]),
                                                                    median([r["evaluate_cpu"] for r in per_run])))
for k, (phase, _) in enumerate(EVALUATE):
    print("| … %s | %.2f s |" % (phase, median([r["ep"][k][1] for r in per_run])))
print("| `mlci run` (whole process: train, evaluate, gate) | %.2f s (CPU %.2f s) |"
      % (median([r["run"] for r in per_run]), median([r["run_cpu"] for r in per_run])))
for k, (phase, _) in enumerate(RUN):
    print("| … %s | %.2f s |" % (phase, median([r["rp"][k][1] for r in per_run])))
print("| … (the command's start before the hand-off, while the data was read and checked) | %.2f s |"
      % median([r["run_early"] for r in per_run]))
print()
print("overhead = train + evaluate - script alone - scoring: **%.2f s** (median); goal <= 1 s"
      % median([r["overhead"] for r in per_run]))
print("overhead of mlci run = run - script alone - scoring - gate: **%.2f s** (median; every run: %s); goal <= 1 s"
      % (median([r["run_overhead"] for r in per_run]), ", ".join("%.2f s" % r["run_overhead"] for r in per_run)))
