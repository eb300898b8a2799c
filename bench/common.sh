# Sourced by every bench/*/run.sh. Sets:
#   root   the repository
#   quick  1 in quick mode (`QUICK=1 bash bench/X/run.sh` or `bash bench/X/run.sh --quick`): tiny sizes and
#          seconds-long runs that prove the benchmark still runs end to end (bench/run-quick.sh, run by .ci/run);
#          its figures mean nothing. 0 (the default) is the recorded benchmark.
# and offers build MODULES...: packages those modules (and what they need) without tests, unless
# MLCI_BENCH_PREBUILT=1 says the jars are already built (CI runs the quick modes right after `./mvnw verify`).
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
quick="${QUICK:-0}"
if [ "${1:-}" = "--quick" ]; then quick=1; fi
if [ "$quick" = 1 ]; then echo "(quick mode: tiny sizes, figures not meaningful)"; fi

build() {
  if [ "${MLCI_BENCH_PREBUILT:-0}" = 1 ]; then return 0; fi
  local modules
  modules="$(IFS=,; echo "$*")"
  "$root/mvnw" -q -B -f "$root/pom.xml" -pl "$modules" -am package -DskipTests
}

# A free TCP port on 127.0.0.1, below Linux's ephemeral range (32768 and up): a port the kernel handed out can
# still be the local end of a load generator's connection, and a server could not bind it.
free_port() {
  python3 -c '
import random, socket
for _ in range(200):
    port = random.randrange(20000, 32000)
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        print(port)
        break
else:
    raise SystemExit("bench: no free port in 20000-32000")
'
}

# Waits until URL answers 2xx (up to SECONDS, default 120); fails with a message otherwise.
wait_for() {
  local url="$1" limit="${2:-120}"
  for _ in $(seq $((limit * 5))); do
    curl -sf -o /dev/null "$url" && return 0
    sleep 0.2
  done
  echo "bench: $url did not answer within $limit s" >&2
  return 1
}
