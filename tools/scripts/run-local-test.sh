#!/usr/bin/env bash
# Tests tools/run-local.sh for real, with the jars already built (SKIP_BUILD=1), on ports of
# its own (RUN_LOCAL_PORT_OFFSET) and its own Redis, in a temporary RUN_DIR:
#   1. a run comes up: the banner, and `tools/sup health` finds every service and Redis up;
#   2. a second run from the same checkout refuses (exit 3) before building, naming the
#      running one's pid and how to stop it, and leaves its logs as they were;
#   3. a run with another RUN_DIR (as from another checkout) refuses because the ports answer,
#      and creates nothing in its RUN_DIR;
#   4. Ctrl-C (SIGINT) stops the first run: every process it started ends, its ports close,
#      its pid file goes, and `sup health` then says unreachable (exit 4);
#   5. a service that cannot bind its port (held on IPv6 loopback only, which the check of
#      127.0.0.1 does not see) fails the run with its log, and no banner.
# Prints "run-local-test: ok" and exits 0, or says what failed and exits 1.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/scripts/common.sh
use_jdk
ensure_redis_server
set -m # the run under test gets a process group of its own, so SIGINT reaches its trap as Ctrl-C would
# A script started in the background without job control (nohup, `cmd &` in a script) has
# SIGINT ignored, and so would the run under test: bash cannot trap a signal ignored at its
# start. env --default-signal (coreutils 8.31+) gives it back.
as_from_a_terminal=(env)
if env --default-signal=INT true 2>/dev/null; then as_from_a_terminal=(env --default-signal=INT); fi

work=$(mktemp -d "${TMPDIR:-/tmp}/run-local-test.XXXXXX")
first=
holder=
cleanup() {
  local rc=$?
  trap - EXIT
  [ -z "$holder" ] || kill "$holder" 2>/dev/null || true
  if [ -n "$first" ] && kill -0 "$first" 2>/dev/null; then
    kill -TERM "$first" 2>/dev/null || true
    wait "$first" 2>/dev/null || true
  fi
  if [ $rc -ne 0 ]; then
    echo "run-local-test: output and logs kept in $work" >&2
  else
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
fail() {
  echo "run-local-test: FAILED: $*" >&2
  for out in "$work"/*.out; do
    [ -f "$out" ] && { echo "----- $(basename "$out") -----" >&2; tail -n 40 "$out" >&2; }
  done
  exit 1
}

# An offset whose twelve ports (3001, 9091, 7000-7004, 9101-9104 and Redis's) are all free.
for _ in $(seq 20); do
  offset=$((10000 + RANDOM % 40000))
  busy=
  for port in 3001 9091 7000 7001 7002 7003 7004 9101 9102 9103 9104 6379; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$((port + offset))") 2>/dev/null; then busy=1; break; fi
  done
  [ -z "$busy" ] && break
done
[ -z "$busy" ] || fail "no free set of ports found"
run_env=(SKIP_BUILD=1 RUN_DIR="$work/run" RUN_LOCAL_PORT_OFFSET="$offset" REDIS_URL="redis://127.0.0.1:$((6379 + offset))"
  JWT_SECRET="run-local-test-secret-long-enough-for-hs256")
health=(tools/sup health --timeout-ms 30000 --gateway "http://localhost:$((9091 + offset))"
  --messaging "http://localhost:$((9101 + offset))" --presence "http://localhost:$((9102 + offset))"
  --calls "http://localhost:$((9103 + offset))" --notifications "http://localhost:$((9104 + offset))"
  --redis "redis://127.0.0.1:$((6379 + offset))")

echo "==> run-local-test: a first run (ports +$offset)"
"${as_from_a_terminal[@]}" "${run_env[@]}" tools/run-local.sh >"$work/first.out" 2>&1 &
first=$!
for _ in $(seq 900); do
  grep -q '^SUP realtime is up\.' "$work/first.out" && break
  kill -0 "$first" 2>/dev/null || fail "the first run ended before its banner"
  sleep 0.2
done
grep -q '^SUP realtime is up\.' "$work/first.out" || fail "no banner from the first run within 180 s"
"${health[@]}" >"$work/health-up.out" 2>&1 || fail "sup health is not 0 while the first run is up"
grep -q '^all 6 up$' "$work/health-up.out" || fail "sup health does not say all 6 up"
# The banner's own instructions work on these moved ports: its exports, then a bare `sup health`.
banner_env=$(sed -n 's/^  export \(MESSAGING_GRPC_TARGET=.*\|MESSAGING_HEALTH_URL=.*\|CALLS_HEALTH_URL=.*\)$/\1/p' "$work/first.out")
[ -n "$banner_env" ] || fail "the banner does not say where the moved ports are"
# shellcheck disable=SC2046
env $(echo "$banner_env") tools/sup health >"$work/health-banner.out" 2>&1 \
  || fail "sup health with the banner's exports is not 0: $(cat "$work/health-banner.out")"

logs_before=$(cd "$work/run/logs" && stat -c '%n %s %Y' *.log && md5sum *.log)

echo "==> run-local-test: a second run from the same checkout"
rc=0
# Without SKIP_BUILD: a run that got past the check would build (and say so).
env "${run_env[@]}" SKIP_BUILD= tools/run-local.sh >"$work/second.out" 2>&1 || rc=$?
[ "$rc" = 3 ] || fail "the second run's exit code is $rc, not 3"
grep -q "already running from this checkout: tools/run-local.sh, pid $first" "$work/second.out" \
  || fail "the second run does not name the running one (pid $first)"
grep -q "kill -INT $first" "$work/second.out" || fail "the second run does not say how to stop the first"
grep -qE "messaging-service +pid [0-9]+ +ports $((7001 + offset)), $((9101 + offset))" "$work/second.out" \
  || fail "the second run does not list the running services and their ports"
if grep -qE 'Building|Starting|is up' "$work/second.out"; then fail "the second run built or started something"; fi
logs_after=$(cd "$work/run/logs" && stat -c '%n %s %Y' *.log && md5sum *.log)
[ "$logs_before" = "$logs_after" ] || fail "the second run changed the first run's logs"

echo "==> run-local-test: a run from elsewhere on the same ports"
rc=0
env "${run_env[@]}" RUN_DIR="$work/elsewhere" tools/run-local.sh >"$work/elsewhere.out" 2>&1 || rc=$?
[ "$rc" = 3 ] || fail "the run from elsewhere has exit code $rc, not 3"
grep -q "ports SUP realtime needs are in use" "$work/elsewhere.out" || fail "the run from elsewhere does not say the ports are in use"
grep -qE "^  $((3001 + offset)) +edge-gateway WebSocket" "$work/elsewhere.out" || fail "the run from elsewhere does not list the gateway's port"
[ ! -e "$work/elsewhere" ] || fail "the run from elsewhere created $work/elsewhere"

echo "==> run-local-test: Ctrl-C stops everything"
started=$(awk '{print $2}' "$work/run/services")
kill -INT -- "-$first" # the whole process group, as Ctrl-C in a terminal
for _ in $(seq 150); do kill -0 "$first" 2>/dev/null || break; sleep 0.2; done
kill -0 "$first" 2>/dev/null && fail "the first run did not end within 30 s of SIGINT"
first=
for pid in $started; do
  kill -0 "$pid" 2>/dev/null && fail "process $pid of the first run still runs after it ended"
done
[ ! -e "$work/run/run-local.pid" ] || fail "the pid file is still there after the run ended"
rc=0
"${health[@]}" >"$work/health-down.out" 2>&1 || rc=$?
[ "$rc" = 4 ] || fail "sup health's exit code is $rc, not 4 (unreachable), once the run ended"

if [ -r /proc/net/if_inet6 ] && grep -q ' lo$' /proc/net/if_inet6; then
  echo "==> run-local-test: a service that cannot bind fails the run"
  cat >"$work/Hold.java" <<'JAVA'
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Holds a TCP port on one address until killed: args host port. */
class Hold {
    public static void main(String[] args) throws Exception {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1])));
            System.out.println("holding");
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
JAVA
  java "$work/Hold.java" ::1 $((7002 + offset)) >"$work/hold.out" 2>&1 &
  holder=$!
  for _ in $(seq 150); do grep -q holding "$work/hold.out" && break; sleep 0.2; done
  grep -q holding "$work/hold.out" || fail "could not hold [::1]:$((7002 + offset))"
  rc=0
  env "${run_env[@]}" tools/run-local.sh >"$work/unbound.out" 2>&1 || rc=$?
  kill "$holder" 2>/dev/null || true
  holder=
  [ "$rc" != 0 ] || fail "a run whose presence-service could not bind exited 0"
  grep -q "presence-service exited during start-up" "$work/unbound.out" || fail "the run does not say presence-service failed"
  grep -q "cannot start gRPC server on port $((7002 + offset))" "$work/unbound.out" || fail "the run does not show presence-service's log"
  if grep -q 'is up' "$work/unbound.out"; then fail "the run printed its banner although presence-service failed"; fi
  [ ! -e "$work/run/run-local.pid" ] || fail "the failed run left its pid file"
fi
echo "run-local-test: ok"
