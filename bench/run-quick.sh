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
# Two lanes at once, since quick figures mean nothing and most of each run is waiting (servers starting,
# fixed-length load): the load-generating benchmarks one after another in one lane, the rest in the other.
# Measured here: 194 s one at a time (2026-12-02 09:26, a fresh .ci/run).
lane_load=(http ceiling tail serve serve-external drift startup)
lane_rest=(gate datagate train-evaluate data-load mlp training-noise external action-setup)
all=(gate datagate http ceiling tail serve serve-external startup train-evaluate data-load mlp training-noise external
  action-setup drift)
run_one() { # NAME: runs bench/NAME in its quick mode; its verdict goes to bench/out/quick-NAME.result
  local b="$1" start result
  start=$(date +%s)
  if bash "$root/bench/$b/run.sh" > "$root/bench/out/quick-$b.log" 2>&1; then result=ok; else result=FAILED; fi
  echo "bench/$b: $result in $(( $(date +%s) - start )) s (log: bench/out/quick-$b.log)" \
    | tee "$root/bench/out/quick-$b.result"
}
lane() { for b in "$@"; do run_one "$b"; done; }
rm -f "$root/bench/out"/quick-*.result
lane "${lane_load[@]}" &
lane_pid=$!
lane "${lane_rest[@]}"
wait "$lane_pid"
failed=()
summary=()
for b in "${all[@]}"; do
  line="$(cat "$root/bench/out/quick-$b.result" 2>/dev/null || echo "bench/$b: FAILED (it never reported)")"
  summary+=("$line")
  case "$line" in
    *": ok in "*) ;;
    *) failed+=("$b"); echo "== bench/$b failed; the end of its log:"; tail -40 "$root/bench/out/quick-$b.log" ;;
  esac
done
printf '%s\n' "${summary[@]}"
echo "bench: $(( ${#summary[@]} - ${#failed[@]} )) passed, ${#failed[@]} failed"
if ((${#failed[@]})); then
  echo "benchmarks that cannot run: ${failed[*]}" >&2
  exit 1
fi
