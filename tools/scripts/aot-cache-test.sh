#!/usr/bin/env bash
# Tests the AOT cache wiring of tools/scripts/common.sh (service_command, aot_cache_state) for
# real, on a copy of the built tools CLI (tools/target/tools.jar and its libs) laid out as a
# module in a temporary directory, so nothing under the checkout's target/ changes:
#   1. with no cache the command has no AOT flag and says nothing;
#   2. AOT_TRAINING=1 (what bench/run.sh train sets) adds -XX:AOTCacheOutput, and the JVM
#      writes the cache as it exits;
#   3. with the cache present the command has -XX:AOTCache, says nothing, and the JVM can
#      use it (-XX:AOTMode=on fails the start when it cannot);
#   4. AOT_CACHE=off adds no flag; a value other than on or off (train included) is refused;
#   5. once a jar (the module's or one in target/libs) is newer than the cache (a build since
#      the training), service_command leaves the cache out with a note, and the JVM itself
#      would refuse it (with -XX:AOTMode=on it does not start).
# Each step records its state for aot_cache_state. Needs JDK 25+ (skipped, with a note, on an
# older one). Prints "aot-cache-test: ok" or says what failed and exits 1.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/scripts/common.sh
use_jdk
if [ "${JAVA_MAJOR:-0}" -lt 25 ]; then
  echo "aot-cache-test: skipped (JDK $JAVA_MAJOR has no AOT cache; JDK 25+ does)"
  exit 0
fi
[ -f tools/target/tools.jar ] || { echo "aot-cache-test: build first (tools/target/tools.jar is missing)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/aot-cache-test.XXXXXX")
trap 'rc=$?; [ $rc -eq 0 ] && rm -rf "$work" || echo "aot-cache-test: files kept in $work" >&2' EXIT
mkdir -p "$work/tools/target"
cp -r tools/target/tools.jar tools/target/libs "$work/tools/target/"
cd "$work"
cache="$work/tools/target/tools.aot"

fail() { echo "aot-cache-test: FAILED: $*" >&2; exit 1; }
has_flag() { # flag-prefix: whether SERVICE_COMMAND holds it
  local arg
  for arg in "${SERVICE_COMMAND[@]}"; do [[ "$arg" == "$1"* ]] && return 0; done
  return 1
}
quiet() { [ ! -s "$work/err" ] || fail "$1 printed: $(cat "$work/err")"; }
run_cli() { # [env...]: the CLI's --help through SERVICE_COMMAND, its output in $work/out
  env "$@" "${SERVICE_COMMAND[@]}" --help >"$work/out" 2>&1 || fail "the CLI failed ($*): $(tail -n 5 "$work/out")"
  grep -q "Usage" "$work/out" || fail "the CLI printed no usage ($*)"
}
state() { [ "$(aot_cache_state tools)" = "tools $1" ] || fail "aot_cache_state: '$(aot_cache_state tools)', not 'tools $1'"; }

# 1. no cache yet
service_command tools 2>"$work/err"
quiet "with no cache, service_command"
has_flag -XX:AOTCache && fail "with no cache: an AOT flag in: ${SERVICE_COMMAND[*]}"
state none

# 2. training
AOT_TRAINING=1 service_command tools
has_flag "-XX:AOTCacheOutput=$cache" || fail "AOT_TRAINING=1: no -XX:AOTCacheOutput in: ${SERVICE_COMMAND[*]}"
has_flag -XX:AOTCache= && fail "AOT_TRAINING=1 also reads a cache"
state training
run_cli
[ -s "$cache" ] || fail "the training run wrote no cache at $cache"
grep -q "AOTCache creation is complete" "$work/out" || fail "the training JVM did not say the cache is complete"

# 3. using it
service_command tools 2>"$work/err"
quiet "with a fresh cache, service_command"
has_flag "-XX:AOTCache=$cache" || fail "with a cache: no -XX:AOTCache in: ${SERVICE_COMMAND[*]}"
state used
run_cli JAVA_TOOL_OPTIONS=-XX:AOTMode=on

# 4. off, and wrong values
AOT_CACHE=off service_command tools
has_flag -XX:AOTCache && fail "AOT_CACHE=off still has an AOT flag"
state off
for value in train yes; do
  if (AOT_CACHE=$value service_command tools) 2>"$work/err"; then fail "AOT_CACHE=$value was accepted"; fi
  grep -q "AOT_CACHE is on or off, not '$value'" "$work/err" || fail "AOT_CACHE=$value: no clear error"
done

# 5. a rebuilt jar makes the cache stale: the module's own, or a library's
for rebuilt in tools/target/tools.jar "$(ls tools/target/libs/*.jar | head -n 1)"; do
  touch -d '+1 minute' "$rebuilt"
  service_command tools 2>"$work/err"
  has_flag -XX:AOTCache && fail "a stale cache ($rebuilt rebuilt) is still passed: ${SERVICE_COMMAND[*]}"
  grep -q "starts without its AOT cache, which is older than its jars" "$work/err" \
    || fail "a stale cache ($rebuilt rebuilt) was left out without a note"
  state stale
  run_cli
  if JAVA_TOOL_OPTIONS=-XX:AOTMode=on "${SERVICE_COMMAND[@]:0:${#SERVICE_COMMAND[@]}-2}" "-XX:AOTCache=$cache" \
    -jar tools/target/tools.jar --help >"$work/out" 2>&1; then
    fail "the JVM used a cache older than $rebuilt"
  fi
  touch -d '-1 minute' "$rebuilt"
done

echo "aot-cache-test: ok"
