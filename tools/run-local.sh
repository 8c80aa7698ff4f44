#!/usr/bin/env bash
# Runs the whole system locally: builds, starts a Redis (AOF on) unless one answers at
# REDIS_URL, starts every service as its own process, and stops them all on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/scripts/common.sh
use_jdk

RUN_DIR=.run
mkdir -p "$RUN_DIR/logs" "$RUN_DIR/redis"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export PORT="${PORT:-3001}"
if [ -z "${JWT_SECRET:-}" ]; then
  [ -s "$RUN_DIR/jwt-secret" ] || head -c 32 /dev/urandom | base64 | tr -d '/+=\n' > "$RUN_DIR/jwt-secret"
  JWT_SECRET=$(cat "$RUN_DIR/jwt-secret")
fi
export JWT_SECRET

echo "==> Building (first run downloads dependencies; later runs are quick)"
mvn -B -q -ntp package -DskipTests

pids=()
stopping=
stop_all() {
  stopping=1
  trap - INT TERM EXIT
  # Ctrl-C may have closed our stdout (e.g. `| tee`): never let a write stop the cleanup.
  trap '' PIPE
  if [ ${#pids[@]} -gt 0 ]; then
    kill "${pids[@]}" 2>/dev/null || true
    echo "==> Stopping" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
}
trap stop_all INT TERM EXIT

redis_host=$(sed -E 's#^rediss?://([^@/]*@)?([^:/]+).*#\2#' <<<"$REDIS_URL")
redis_port=$(sed -nE 's#^rediss?://([^@/]*@)?[^:/]+:([0-9]+).*#\2#p' <<<"$REDIS_URL")
redis_port=${redis_port:-6379}
if redis_answers "$redis_host" "$redis_port"; then
  echo "==> Using the Redis at $REDIS_URL"
else
  ensure_redis_server
  echo "==> Starting Redis on $redis_host:$redis_port (AOF on, data in $RUN_DIR/redis)"
  redis-server --bind "$redis_host" --port "$redis_port" --appendonly yes --dir "$PWD/$RUN_DIR/redis" \
    --save "" >"$RUN_DIR/logs/redis.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do redis_answers "$redis_host" "$redis_port" && break; sleep 0.1; done
  redis_answers "$redis_host" "$redis_port" || { echo "error: Redis did not start, see $RUN_DIR/logs/redis.log" >&2; exit 1; }
fi

declare -A pid_of
start() { # name jar [java options...]
  echo "==> Starting $1 (log: $RUN_DIR/logs/$1.log)"
  java "${JAVA_OPTS_DEFAULT[@]}" "${@:3}" -jar "$2" >"$RUN_DIR/logs/$1.log" 2>&1 &
  pids+=($!)
  pid_of[$1]=$!
}
await_ready() { # name observe-port
  for _ in $(seq 300); do
    if curl -fsS "http://127.0.0.1:$2/health/ready" >/dev/null 2>&1; then return; fi
    kill -0 "${pid_of[$1]}" 2>/dev/null || break # it exited: no point waiting
    sleep 0.2
  done
  echo "error: $1 did not become ready; the end of its log:" >&2; tail -n 20 "$RUN_DIR/logs/$1.log" >&2; exit 1
}

start messaging-service messaging-service/target/messaging-service.jar
start presence-service presence-service/target/presence-service.jar
# call-signalling asks presence who may call whom: presence's default port (7002), where it
# was just started; set here so that the target is explicit in the run.
PRESENCE_GRPC_TARGET="${PRESENCE_GRPC_TARGET:-localhost:7002}" \
  start call-signaling-service call-signaling-service/target/call-signaling-service.jar
start notification-service notification-service/target/notification-service.jar
# The gateway finds messaging, presence and call-signalling at their default ports (7001,
# 7002, 7003), where they were just started; set here so that the presence and calls
# targets are explicit in the run.
PRESENCE_GRPC_TARGET="${PRESENCE_GRPC_TARGET:-localhost:7002}" CALLS_GRPC_TARGET="${CALLS_GRPC_TARGET:-localhost:7003}" \
  start edge-gateway edge-gateway/target/edge-gateway.jar "${GATEWAY_JAVA_OPTS[@]}"
await_ready messaging-service 9101
await_ready presence-service 9102
await_ready call-signaling-service 9103
await_ready notification-service 9104
await_ready edge-gateway "${METRICS_PORT:-9091}"

cat <<MSG

SUP realtime is up.
  WebSocket (native protocol): ws://localhost:$PORT/ws
  Gateway health and metrics:  http://localhost:${METRICS_PORT:-9091}/health  /metrics
  JWT secret for this run:     $JWT_SECRET   (also in $RUN_DIR/jwt-secret)

In another terminal:
  export JWT_SECRET=$JWT_SECRET
  tools/sup token --user alice                         # a token for alice
  tools/sup chat create --id c1 --member alice --member bob
  tools/sup client --user alice --join c1              # type lines to send
  tools/sup client --user bob --join c1

Ctrl-C stops everything.
MSG
wait -n "${pids[@]}" || true
[ -n "$stopping" ] || echo "A service exited; see $RUN_DIR/logs/. Stopping the rest." >&2
