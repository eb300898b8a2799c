#!/usr/bin/env bash
# Finds Java 17+ and obtains mlci.jar for the GitHub Action.
#
# Java: the java-home input, else the runner's JAVA_HOME_21_X64 or JAVA_HOME_17_X64 (GitHub-hosted runners carry
# both), else JAVA_HOME, else java on the PATH. No actions/setup-java inside: a composite action that uses no
# other action has nothing to fetch and nothing else to trust; run setup-java before mlci to choose another Java.
#
# mlci.jar, in this order:
#  1. the jar given as mlci-jar;
#  2. a release ref (uses: mlci-dev/mlci@v1 or @vX.Y.Z): the action's checkout holds action/release.sha256, which
#     the release workflow (.github/workflows/release.yml) committed when it published the release. The jar is
#     downloaded from that release (GitHub's release-asset URL, GITHUB_SERVER_URL/OWNER/REPO/releases/download/
#     vX.Y.Z/mlci-X.Y.Z.jar), checked against the pinned SHA-256 before it is used, and kept in the runner's tool
#     cache (a self-hosted runner downloads each version once; a hosted runner in a few seconds per job);
#  3. any other ref (a branch or a commit SHA): built from the action's checkout with Maven, said in the log,
#     cached in the tool cache under a digest of the sources.
set -euo pipefail

java_home="${MLCI_JAVA_HOME:-${JAVA_HOME_21_X64:-${JAVA_HOME_17_X64:-${JAVA_HOME:-}}}}"
if [ -n "$java_home" ]; then java="$java_home/bin/java"; else java="$(command -v java || true)"; fi
if [ -z "$java" ] || [ ! -x "$java" ]; then
  echo "::error title=mlci::no Java found; mlci needs Java 17 or newer (set java-home, or run actions/setup-java first)"
  exit 3
fi
major=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1)
if [ -z "$major" ] || [ "$major" -lt 17 ]; then
  echo "::error title=mlci::$java is Java ${major:-unknown}; mlci needs 17 or newer (set java-home, or run actions/setup-java first)"
  exit 3
fi
echo "java=$java" >> "$GITHUB_OUTPUT"

if [ -n "${MLCI_JAR:-}" ]; then
  if [ ! -f "$MLCI_JAR" ]; then
    echo "::error title=mlci::mlci-jar '$MLCI_JAR' does not exist"
    exit 2
  fi
  echo "jar=$MLCI_JAR" >> "$GITHUB_OUTPUT"
  exit 0
fi
src="${MLCI_ACTION_PATH:?}"
tools="${RUNNER_TOOL_CACHE:-$HOME/.cache}/mlci"
pin="$src/action/release.sha256"

if [ -f "$pin" ]; then
  # action/release.sha256: "SHA256  mlci-X.Y.Z.jar" (sha256sum's format) and "# repository OWNER/NAME".
  sha256=$(awk 'NR==1 {print $1}' "$pin")
  asset=$(awk 'NR==1 {print $2}' "$pin")
  repository=$(sed -n 's/^# repository //p' "$pin")
  version="${asset#mlci-}"; version="${version%.jar}"
  if ! [[ "$sha256" =~ ^[0-9a-f]{64}$ && "$asset" =~ ^mlci-[0-9]+\.[0-9]+\.[0-9]+\.jar$ && "$repository" =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]]; then
    echo "::error title=mlci::$pin is not what the release workflow writes (SHA256  mlci-X.Y.Z.jar, then # repository OWNER/NAME)"
    exit 3
  fi
  cache="$tools/$version-${sha256:0:16}"
  if [ -f "$cache/mlci.jar" ] && [ "$(sha256sum "$cache/mlci.jar" | cut -d' ' -f1)" = "$sha256" ]; then
    echo "mlci $version: the release jar from the tool cache ($cache/mlci.jar, SHA-256 verified)"
  else
    url="${GITHUB_SERVER_URL:-https://github.com}/$repository/releases/download/v$version/$asset"
    echo "mlci $version: downloading the release jar $url"
    mkdir -p "$cache"
    part="$cache/mlci.jar.part.$$"
    # -L: GitHub answers a release asset with a redirect to its storage.
    if ! curl -fsSL --retry 3 --connect-timeout 20 -o "$part" "$url"; then
      rm -f "$part"
      echo "::error title=mlci::could not download $url; check that the runner can reach ${GITHUB_SERVER_URL:-https://github.com} (or pass mlci-jar)"
      exit 3
    fi
    got=$(sha256sum "$part" | cut -d' ' -f1)
    if [ "$got" != "$sha256" ]; then
      rm -f "$part"
      echo "::error title=mlci::$url has SHA-256 $got, not the $sha256 this action's checkout pins (action/release.sha256); not used"
      exit 3
    fi
    mv "$part" "$cache/mlci.jar"
    echo "mlci $version: SHA-256 $sha256 verified against action/release.sha256; cached as $cache/mlci.jar"
  fi
  echo "jar=$cache/mlci.jar" >> "$GITHUB_OUTPUT"
  exit 0
fi

key=$(cd "$src" && find pom.xml ./*/pom.xml model-format/src shared-core/src model-server/src action-runner/src schema \
        -type f 2>/dev/null | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)
cache="$tools/$key"
if [ ! -f "$cache/mlci.jar" ]; then
  echo "mlci: ${MLCI_ACTION_REF:-this ref} is not a release (the action's checkout has no action/release.sha256):" \
       "building mlci.jar from source with Maven (about a minute; use a release tag such as @v1 to download it instead)," \
       "cached as $cache/mlci.jar"
  JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$java")")")" \
    "$src/mvnw" -B -q -f "$src/pom.xml" -pl action-runner -am package -DskipTests
  mkdir -p "$cache"
  cp "$src/action-runner/target/mlci.jar" "$cache/mlci.jar.tmp"
  mv "$cache/mlci.jar.tmp" "$cache/mlci.jar"
else
  echo "mlci: ${MLCI_ACTION_REF:-this ref} is not a release: mlci.jar built from this checkout earlier, from the tool cache ($cache/mlci.jar)"
fi
echo "jar=$cache/mlci.jar" >> "$GITHUB_OUTPUT"
