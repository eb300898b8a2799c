#!/usr/bin/env bash
# Every benchmark in its quick mode (tiny sizes, seconds): proves each still runs end to end, so none rots
# unnoticed. Their figures mean nothing; the recorded ones come from the full modes (BENCHMARKS.md). .ci/run
# runs this after the tests, with MLCI_BENCH_PREBUILT=1 (`./mvnw verify` built the jars); run by hand, it
# builds them once first. Fails when any benchmark fails.
#
#   bash bench/run-quick.sh
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "${MLCI_BENCH_PREBUILT:-0}" != 1 ]; then
  "$root/mvnw" -q -B -f "$root/pom.xml" -pl bench,action-runner,model-server -am package -DskipTests || exit 3
fi
export MLCI_BENCH_PREBUILT=1 QUICK=1
export PATH="$PATH:$root/.ci/bin"   # vegeta, when .ci/run installed it there
mkdir -p "$root/bench/out"
failed=()
summary=()
for b in gate datagate http ceiling tail serve serve-external startup train-evaluate data-load mlp training-noise external action-setup drift; do
  echo "== bench/$b (quick) =="
  start=$(date +%s)
  if bash "$root/bench/$b/run.sh" > "$root/bench/out/quick-$b.log" 2>&1; then
    result=ok
  else
    result=FAILED; failed+=("$b")
    tail -40 "$root/bench/out/quick-$b.log"
  fi
  summary+=("bench/$b: $result in $(( $(date +%s) - start )) s (log: bench/out/quick-$b.log)")
  echo "${summary[-1]}"
done
printf '%s\n' "${summary[@]}"
echo "bench: $(( ${#summary[@]} - ${#failed[@]} )) passed, ${#failed[@]} failed"
if ((${#failed[@]})); then
  echo "benchmarks that cannot run: ${failed[*]}" >&2
  exit 1
fi
