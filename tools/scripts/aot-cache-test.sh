#!/usr/bin/env bash
# Tests the AOT cache wiring of tools/scripts/common.sh (service_command, aot_cache_state) for
# real, on a copy of the built tools CLI (tools/target/tools.jar and its libs) laid out as a
# module in a temporary directory, so nothing under the checkout's target/ changes:
#   1. AOT_CACHE=train adds -XX:AOTCacheOutput, and the JVM writes the cache as it exits;
#   2. with the cache present (AOT_CACHE unset: on) the command has -XX:AOTCache, and the JVM
#      can use it (-XX:AOTMode=on fails the start when it cannot);
#   3. AOT_CACHE=off adds neither flag; another value is refused;
#   4. aot_cache_state says which modules use a cache, and calls one stale once its jar is
#      newer; the JVM then runs without it (a warning, not a failure).
# Needs JDK 25+ (skipped, with a note, on an older one). Prints "aot-cache-test: ok" or says
# what failed and exits 1.
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
run_cli() { # [env...]: the CLI's --help through SERVICE_COMMAND, its output in $work/out
  env "$@" "${SERVICE_COMMAND[@]}" --help >"$work/out" 2>&1 || fail "the CLI failed ($*): $(tail -n 5 "$work/out")"
  grep -q "Usage" "$work/out" || fail "the CLI printed no usage ($*)"
}

# 1. training
AOT_CACHE=train service_command tools
has_flag "-XX:AOTCacheOutput=$cache" || fail "AOT_CACHE=train: no -XX:AOTCacheOutput in: ${SERVICE_COMMAND[*]}"
has_flag -XX:AOTCache= && fail "AOT_CACHE=train also reads a cache"
run_cli
[ -s "$cache" ] || fail "the training run wrote no cache at $cache"

# 2. using it
service_command tools
has_flag "-XX:AOTCache=$cache" || fail "with a cache: no -XX:AOTCache in: ${SERVICE_COMMAND[*]}"
run_cli JAVA_TOOL_OPTIONS=-XX:AOTMode=on
[ "$(aot_cache_state tools presence-service)" = tools ] || fail "aot_cache_state: '$(aot_cache_state tools presence-service)'"

# 3. off, and a wrong value
AOT_CACHE=off service_command tools
has_flag -XX:AOTCache && fail "AOT_CACHE=off still has an AOT flag"
[ "$(AOT_CACHE=off aot_cache_state tools)" = "off (AOT_CACHE=off)" ] || fail "aot_cache_state with AOT_CACHE=off"
if AOT_CACHE=yes service_command tools 2>"$work/err"; then fail "AOT_CACHE=yes was accepted"; fi
grep -q "AOT_CACHE is on, off or train" "$work/err" || fail "AOT_CACHE=yes: no clear error"

# 4. a rebuilt jar makes the cache stale: reported, and the JVM runs without it
touch -d '+1 minute' tools/target/tools.jar
[ "$(aot_cache_state tools)" = "none; stale (built since training, not used): tools" ] \
  || fail "aot_cache_state after a rebuild: '$(aot_cache_state tools)'"
service_command tools
run_cli
grep -qi "aot\|shared class" "$work/out" || fail "a stale cache was used without a word"

echo "aot-cache-test: ok"
