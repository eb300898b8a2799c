#!/usr/bin/env bash
# The data gate (issue 19): speed and validation.
#  1. speed: profiling 16 numeric columns of 1,000,000 rows (what mlci evaluate adds per split), and the data gate
#     on 20 columns x 1,000,000 rows (+ 250,000 test rows) with 2,000 resamples (goal: under 2 s);
#  2. validation: the whole data gate's false alarm on a resample of the same data (two samples of one
#     distribution; bound 2.5% at the default 95%), and its power on a shifted column, a new category and a
#     shifted label share, at 200, 1,000 and 10,000 training rows (test split a quarter of that).
#
#   bash bench/datagate/run.sh
#   QUICK=1 bash bench/datagate/run.sh     (20,000 rows, 200 resamples, 20 replicates: does it still run?)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
build bench
bench="$root/bench/target/benchmarks.jar"
rows=1000000; resamples=2000; repeats=3; replicates=400; sizes=(200 1000 10000)
if [ "$quick" = 1 ]; then rows=20000; resamples=200; repeats=1; replicates=20; sizes=(200); fi
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1)"
java -Xmx4g -cp "$bench" dev.mlci.bench.DataGateBench speed "$rows" 20 "$resamples" "$repeats"
java -cp "$bench" dev.mlci.bench.DataGateBench validate "$replicates" "$resamples" "${sizes[@]}"
