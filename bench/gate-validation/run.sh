#!/usr/bin/env bash
# The gate's statistical validation at a larger scale than CI runs it (VALIDATION.md):
# GateStatisticsTest with K times the replicates and the gate's default 2,000 resamples. Every figure it prints
# is a line "VALIDATION ..." (rates, their Monte Carlo standard errors, the theory beside them).
#
#   bash bench/gate-validation/run.sh [K]      # K = 4 takes about 15 minutes on 2 cores
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
scale="${1:-4}"
out="$root/bench/out/gate-validation"
mkdir -p "$out"
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1); scale $scale, 2000 resamples"
"$root/mvnw" -B -o -f "$root/pom.xml" -pl shared-core test -Dtest=GateStatisticsTest \
  -Dsurefire.failIfNoSpecifiedTests=false -Dmlci.validation.scale="$scale" -Dmlci.validation.resamples=2000 \
  | tee "$out/run.log" | grep -E "^VALIDATION|Tests run:|FAIL" | tee "$out/results.txt"
