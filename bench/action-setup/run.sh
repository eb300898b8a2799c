#!/usr/bin/env bash
# The GitHub Action's set-up on a cold runner (empty tool cache), in nektos/act (-P ubuntu-latest=-self-hosted):
#   before: a branch ref — the action builds mlci.jar from its checkout with the Maven wrapper (Maven's
#           dependencies already in ~/.m2, so this is the best case: a hosted runner also downloads them);
#   after:  a release ref — the checkout pins action/release.sha256; the action downloads mlci-X.Y.Z.jar from the
#           release-asset URL and checks its SHA-256.
# The figure is act's duration of the "Obtain mlci.jar" step (the whole job is printed too). No internet here:
# GitHub's release download is a local stand-in, python3's http.server on 127.0.0.1 serving the documented
# URL shape GITHUB_SERVER_URL/OWNER/REPO/releases/download/vX.Y.Z/mlci-X.Y.Z.jar (no CDN redirect: a loopback
# download, so "after" is a lower bound; on github.com add the transfer of 93 MB).
#
#   bash bench/action-setup/run.sh        (needs act: MLCI_ACT or .ci/bin/act; RUNS=3 by default)
#   QUICK=1 bash bench/action-setup/run.sh  (the release path once; no build)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"
act="${MLCI_ACT:-$root/.ci/bin/act}"
[ -x "$act" ] || { echo "bench: act not found (GOBIN=\$PWD/.ci/bin go install github.com/nektos/act@v0.2.89)"; exit 3; }
out="$root/bench/out/action-setup"
rm -rf "$out"; mkdir -p "$out"
build action-runner
jar="$root/action-runner/target/mlci.jar"
runs="${RUNS:-3}"
if [ "$quick" = 1 ]; then runs=1; fi

# The action's repository as a user's workflow sees it: its tracked files, and a workflow using it (uses: ./).
repo="$out/mlci"
mkdir -p "$repo"
(cd "$root" && git ls-files --cached --others --exclude-standard -z | xargs -0 cp --parents -t "$repo" 2>/dev/null || true)
rm -f "$repo/action/release.sha256"
mkdir -p "$repo/.github/workflows"
cat > "$repo/.github/workflows/setup.yml" <<'YAML'
name: set-up
on: push
jobs:
  model:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: ./
        with:
          command: train
          working-directory: example-repos/iris
          comment: "false"
YAML
(cd "$repo" && git init -q -b main && git add -A && git -c user.name=b -c user.email=b@example.com commit -q -m bench)

port=$(free_port)
mkdir -p "$out/github/acme/mlci/releases/download/v0.1.0"
cp "$jar" "$out/github/acme/mlci/releases/download/v0.1.0/mlci-0.1.0.jar"
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$out/github" > "$out/http.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
sleep 1

# One cold set-up: prints the Obtain step's and the job's durations in seconds.
setup() {
  local label="$1" i="$2" log="$out/$1-$2.log"
  # act's host mode keeps the runner's tool cache in $XDG_CACHE_HOME/act/tool_cache: a fresh one is a cold runner.
  rm -rf "$out/xdg-$label-$i"
  local start end
  start=$(date +%s.%N)
  (cd "$repo" && XDG_CACHE_HOME="$out/xdg-$label-$i" "$act" push -W .github/workflows/setup.yml \
     -P ubuntu-latest=-self-hosted --env GITHUB_SERVER_URL="http://127.0.0.1:$port" \
     --env MLCI_CACHE_DIR="$out/mlci-cache") > "$log" 2>&1 || { tail -30 "$log"; exit 1; }
  end=$(date +%s.%N)
  local step
  step=$(sed -n 's/.*Success - Main Obtain mlci.jar \[\(.*\)\]/\1/p' "$log" | head -1)
  grep -q "$3" "$log" || { echo "bench: $label run $i did not log '$3'"; tail -30 "$log"; exit 1; }
  printf '%s run %d: Obtain mlci.jar %s; whole job %.1f s\n' "$label" "$i" "$step" "$(echo "$end - $start" | bc)"
}

if [ "$quick" != 1 ]; then
  for i in $(seq 1 "$runs"); do setup before "$i" "building mlci.jar from source"; done
fi
printf '%s  mlci-0.1.0.jar\n# repository acme/mlci\n' "$(sha256sum "$jar" | cut -d' ' -f1)" > "$repo/action/release.sha256"
for i in $(seq 1 "$runs"); do setup after "$i" "verified against action/release.sha256"; done
echo "jar: $(( $(stat -c %s "$jar") / 1000000 )) MB; machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB"
