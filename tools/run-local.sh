#!/usr/bin/env bash
# Runs the whole system locally: builds, starts a Redis (AOF on) unless one answers at
# REDIS_URL, starts every service as its own process, and stops them all on Ctrl-C.
#
# Refuses to start (exit 3, nothing built, nothing under .run/ touched) when SUP realtime
# already runs from this checkout (.run/run-local.pid names a live run) or when any of its
# ports answers (another checkout's run, or another program). The "is up" banner comes only
# once every service answers ready from its own process on its own ports.
#
# For scripts and tests (not needed to run it by hand):
#   SKIP_BUILD=1             use the jars already built (fails when one is missing)
#   RUN_DIR=<dir>            logs, Redis data, the pid file and the JWT secret; default .run
#   RUN_LOCAL_PORT_OFFSET=N  add N to every default port (3001, 9091, 7000-7004, 9101-9104)
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/scripts/common.sh
source tools/scripts/run-guard.sh
use_jdk

RUN_DIR=${RUN_DIR:-.run}
[[ "$RUN_DIR" == /* ]] || RUN_DIR="$PWD/$RUN_DIR"
shown_dir=${RUN_DIR#"$PWD/"}
offset=${RUN_LOCAL_PORT_OFFSET:-0}
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export PORT="${PORT:-$((3001 + offset))}"
METRICS_PORT="${METRICS_PORT:-$((9091 + offset))}"
admin_port="${GATEWAY_ADMIN_GRPC_PORT:-$((7000 + offset))}"
# name grpc-port observe-port, in start order
services=(
  "messaging-service $((7001 + offset)) $((9101 + offset))"
  "presence-service $((7002 + offset)) $((9102 + offset))"
  "call-signaling-service $((7003 + offset)) $((9103 + offset))"
  "notification-service $((7004 + offset)) $((9104 + offset))"
)
pid_file="$RUN_DIR/run-local.pid"
services_file="$RUN_DIR/services"

# Nothing above writes anything: first make sure no SUP realtime runs already.
refuse_if_running "$pid_file" "$services_file" "$shown_dir"
refuse_if_ports_answer "edge-gateway WebSocket=$PORT" "edge-gateway health=$METRICS_PORT" \
  "edge-gateway admin gRPC=$admin_port" \
  "messaging-service gRPC=$((7001 + offset))" "messaging-service health=$((9101 + offset))" \
  "presence-service gRPC=$((7002 + offset))" "presence-service health=$((9102 + offset))" \
  "call-signaling-service gRPC=$((7003 + offset))" "call-signaling-service health=$((9103 + offset))" \
  "notification-service gRPC=$((7004 + offset))" "notification-service health=$((9104 + offset))"

mkdir -p "$RUN_DIR"
# The lock: created only if absent, so of two runs started at once one refuses here.
if ! (set -C; echo "$$" >"$pid_file") 2>/dev/null; then
  refuse_if_running "$pid_file" "$services_file" "$shown_dir"
  echo "error: $shown_dir/run-local.pid appeared meanwhile: another run-local.sh is starting. Nothing was changed." >&2
  exit 3
fi
: >"$services_file"

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
  rm -f "$pid_file" "$services_file"
}
trap stop_all INT TERM EXIT

mkdir -p "$RUN_DIR/logs" "$RUN_DIR/redis"
if [ -z "${JWT_SECRET:-}" ]; then
  [ -s "$RUN_DIR/jwt-secret" ] || head -c 32 /dev/urandom | base64 | tr -d '/+=\n' > "$RUN_DIR/jwt-secret"
  JWT_SECRET=$(cat "$RUN_DIR/jwt-secret")
fi
export JWT_SECRET

jars=(messaging-service presence-service call-signaling-service notification-service edge-gateway)
if [ "${SKIP_BUILD:-}" = 1 ]; then
  for jar in "${jars[@]}"; do
    [ -f "$jar/target/$jar.jar" ] || { echo "error: SKIP_BUILD=1 but $jar/target/$jar.jar is missing: build first" >&2; exit 1; }
  done
else
  echo "==> Building (first run downloads dependencies; later runs are quick)"
  mvn -B -q -ntp package -DskipTests
fi

redis_host=$(sed -E 's#^rediss?://([^@/]*@)?([^:/]+).*#\2#' <<<"$REDIS_URL")
redis_port=$(sed -nE 's#^rediss?://([^@/]*@)?[^:/]+:([0-9]+).*#\2#p' <<<"$REDIS_URL")
redis_port=${redis_port:-6379}
if redis_answers "$redis_host" "$redis_port"; then
  echo "==> Using the Redis at $redis_host:$redis_port"
else
  ensure_redis_server
  echo "==> Starting Redis on $redis_host:$redis_port (AOF on, data in $shown_dir/redis)"
  redis-server --bind "$redis_host" --port "$redis_port" --appendonly yes --dir "$RUN_DIR/redis" \
    --save "" >"$RUN_DIR/logs/redis.log" 2>&1 &
  pids+=($!)
  echo "redis $! $redis_port" >>"$services_file"
  for _ in $(seq 50); do redis_answers "$redis_host" "$redis_port" && break; sleep 0.1; done
  redis_answers "$redis_host" "$redis_port" || { echo "error: Redis did not start, see $shown_dir/logs/redis.log" >&2; exit 1; }
fi

declare -A pid_of
start() { # module "ports" [VAR=value...]   (its jar with the flags of common.sh java_opts_for)
  local name=$1 ports=$2
  shift 2
  local vars=("$@")
  echo "==> Starting $name (log: $shown_dir/logs/$name.log)"
  service_command "$name"
  env "${vars[@]}" "${SERVICE_COMMAND[@]}" >"$RUN_DIR/logs/$name.log" 2>&1 &
  pids+=($!)
  pid_of[$name]=$!
  echo "$name $! $ports" >>"$services_file"
}
# Ready only when it answers ready on observe port $2 and every one of its ports is held by
# its own process: a service that could not bind must not pass for one that runs.
await_ready() { # name observe-port [other ports...]
  local name=$1 observe=$2 pid=${pid_of[$1]} port mine
  for _ in $(seq 300); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "error: $name exited during start-up; the end of its log ($shown_dir/logs/$name.log):" >&2
      tail -n 20 "$RUN_DIR/logs/$name.log" >&2
      exit 1
    fi
    if curl -fsS -o /dev/null "http://127.0.0.1:$observe/health/ready" 2>/dev/null; then
      mine=1
      for port in "${@:2}"; do listens_on "$pid" "$port" || mine=; done
      [ -n "$mine" ] && return
    fi
    sleep 0.2
  done
  echo "error: $name (pid $pid) was not ready on its own ports (${*:2}) within 60 s; the end of its log:" >&2
  tail -n 20 "$RUN_DIR/logs/$name.log" >&2
  exit 1
}

msg_grpc=$((7001 + offset)) presence_grpc=$((7002 + offset)) calls_grpc=$((7003 + offset)) notif_grpc=$((7004 + offset))
messaging_target=${MESSAGING_GRPC_TARGET:-localhost:$msg_grpc}
presence_target=${PRESENCE_GRPC_TARGET:-localhost:$presence_grpc}
calls_target=${CALLS_GRPC_TARGET:-localhost:$calls_grpc}
notifications_target=${NOTIFICATIONS_GRPC_TARGET:-localhost:$notif_grpc}
for entry in "${services[@]}"; do
  read -r name grpc observe <<<"$entry"
  # Every service's peers at the ports just chosen, so the run's wiring is explicit.
  start "$name" "$grpc $observe" GRPC_PORT="$grpc" OBSERVE_PORT="$observe" \
    MESSAGING_GRPC_TARGET="$messaging_target" PRESENCE_GRPC_TARGET="$presence_target" \
    CALLS_GRPC_TARGET="$calls_target"
done
start edge-gateway "$PORT $METRICS_PORT $admin_port" METRICS_PORT="$METRICS_PORT" GATEWAY_ADMIN_GRPC_PORT="$admin_port" \
  MESSAGING_GRPC_TARGET="$messaging_target" PRESENCE_GRPC_TARGET="$presence_target" \
  CALLS_GRPC_TARGET="$calls_target" NOTIFICATIONS_GRPC_TARGET="$notifications_target"
for entry in "${services[@]}"; do
  read -r name grpc observe <<<"$entry"
  await_ready "$name" "$observe" "$grpc"
done
await_ready edge-gateway "$METRICS_PORT" "$PORT" "$admin_port"

# On moved ports the CLI's defaults (3001, 7001, 9091, 9101-9104) miss: say what to pass.
sup_env= client_url=
if [ "$offset" != 0 ]; then
  sup_env="
  export MESSAGING_GRPC_TARGET=localhost:$((7001 + offset)) GATEWAY_HEALTH_URL=http://localhost:$METRICS_PORT
  export MESSAGING_HEALTH_URL=http://localhost:$((9101 + offset)) PRESENCE_HEALTH_URL=http://localhost:$((9102 + offset))
  export CALLS_HEALTH_URL=http://localhost:$((9103 + offset)) NOTIFICATIONS_HEALTH_URL=http://localhost:$((9104 + offset))"
  client_url=" --url ws://localhost:$PORT/ws"
fi
cat <<MSG

SUP realtime is up.
  WebSocket (native protocol): ws://localhost:$PORT/ws
  Gateway health and metrics:  http://localhost:$METRICS_PORT/health  /metrics
  JWT secret for this run:     $JWT_SECRET   (also in $shown_dir/jwt-secret)

In another terminal:
  export JWT_SECRET=$JWT_SECRET$sup_env
  tools/sup health                                     # every service live and ready?
  tools/sup token --user alice                         # a token for alice
  tools/sup chat create --id c1 --member alice --member bob
  tools/sup client --user alice --join c1$client_url   # type lines to send
  tools/sup client --user bob --join c1$client_url

Ctrl-C stops everything.
MSG
status=0
wait -n "${pids[@]}" || status=$?
# Ctrl-C reaches the services too: one may exit from it (130, 143 for SIGTERM) before our
# trap has run. That is the stop, not a failure.
[ -n "$stopping" ] || [ "$status" = 130 ] || [ "$status" = 143 ] || echo "A service exited; see $shown_dir/logs/. Stopping the rest." >&2
