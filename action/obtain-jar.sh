#!/usr/bin/env bash
# Finds Java 17+ and obtains mlci.jar for the GitHub Action.
#
# Java: the java-home input, else the runner's JAVA_HOME_21_X64 or JAVA_HOME_17_X64 (GitHub-hosted runners carry
# both), else JAVA_HOME, else java on the PATH. No actions/setup-java inside: a composite action that uses no
# other action has nothing to fetch and nothing else to trust; run setup-java before mlci to choose another Java.
#
# mlci.jar: the jar given as mlci-jar, else the one built from this action's own checkout, cached in the runner's
# tool cache under a digest of the sources (a self-hosted runner builds once per mlci version; a hosted runner
# builds in about a minute). Building from the checkout means the jar is exactly the version the workflow pinned
# with `uses: ...@ref`, with no second download to trust.
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
key=$(cd "$src" && find pom.xml ./*/pom.xml model-format/src shared-core/src model-server/src action-runner/src schema \
        -type f 2>/dev/null | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)
cache="${RUNNER_TOOL_CACHE:-$HOME/.cache}/mlci/$key"
if [ ! -f "$cache/mlci.jar" ]; then
  echo "Building mlci.jar from the action's checkout (cached as $cache/mlci.jar)..."
  JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$java")")")" \
    "$src/mvnw" -B -q -f "$src/pom.xml" -pl action-runner -am package -DskipTests
  mkdir -p "$cache"
  cp "$src/action-runner/target/mlci.jar" "$cache/mlci.jar.tmp"
  mv "$cache/mlci.jar.tmp" "$cache/mlci.jar"
fi
echo "jar=$cache/mlci.jar" >> "$GITHUB_OUTPUT"
