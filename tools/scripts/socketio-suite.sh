#!/usr/bin/env bash
# Socket.IO compatibility suite: the real socket.io-client (and a native `ws` client) against
# six real gateways (one per set of timers and limits the tests need), one messaging-service,
# one presence-service, one call-signaling-service and one Redis, all started here on free
# loopback ports and stopped on exit. The tests live in edge-gateway/src/test/socketio (node --test).
#
# Usage: socketio-suite.sh [FILE.test.mjs...]   (default: every *.test.mjs there)
#
# Needs the jars: build first with `mvn -q package -DskipTests` (add -o when offline).
# Needs Node 20+ and npm (the test dependencies come from the lockfile with `npm ci`).
# Exits with node's exit code. Logs of every process are printed (their last lines) when
# the suite fails, and kept in the temporary directory it names.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/scripts/common.sh
source tools/scripts/processes.sh
use_jdk
ensure_redis_server

suite_dir=edge-gateway/src/test/socketio
jars=(messaging-service/target/messaging-service.jar presence-service/target/presence-service.jar
  call-signaling-service/target/call-signaling-service.jar edge-gateway/target/edge-gateway.jar tools/target/tools.jar)
for jar in "${jars[@]}"; do
  if [[ ! -f "$jar" ]]; then
    echo "error: $jar is missing; build first: mvn -q package -DskipTests" >&2
    exit 1
  fi
done
for tool in node npm curl; do
  command -v "$tool" >/dev/null 2>&1 || { echo "error: $tool is not installed (Node 20+ with npm is needed)" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/socketio-suite.XXXXXX")
mkdir -p "$work/logs" "$work/redis"

keep_work=${SOCKETIO_SUITE_KEEP_LOGS:-} # set to keep the logs after a pass too
cleanup() {
  local rc=$?
  trap - EXIT
  trap '' INT TERM # finish stopping what we started, even when asked twice
  stop_processes
  if [[ -n "$keep_work" || $rc -ne 0 ]]; then
    echo "socketio-suite: logs kept in $work/logs" >&2
  else
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ports=$(free_ports 21)
read -r redis_port grpc_port msg_observe presence_port presence_observe calls_port calls_observe \
  gw_a_port gw_a_metrics gw_b_port gw_b_metrics gw_c_port gw_c_metrics gw_d_port gw_d_metrics \
  gw_e_port gw_e_metrics gw_f_port gw_f_metrics notif_port notif_observe <<<"$ports"
[[ -n "$notif_observe" ]] || { echo "error: could not find 21 free loopback ports (got: $ports)" >&2; exit 1; }

redis_url="redis://127.0.0.1:$redis_port"
jwt_secret=$(head -c 32 /dev/urandom | base64 | tr -d '/+=\n')
turn_secret=$(head -c 32 /dev/urandom | base64 | tr -d '/+=\n')

# Each service with the JVM flags it runs with locally (common.sh java_opts_for).
service_command messaging-service && messaging_command=("${SERVICE_COMMAND[@]}")
service_command presence-service && presence_command=("${SERVICE_COMMAND[@]}")
service_command call-signaling-service && calls_command=("${SERVICE_COMMAND[@]}")
service_command notification-service && notification_command=("${SERVICE_COMMAND[@]}")
service_command edge-gateway && gateway_command=("${SERVICE_COMMAND[@]}")

t0=$SECONDS
echo "==> Starting Redis :$redis_port, messaging-service :$grpc_port, presence-service :$presence_port, call-signaling-service :$calls_port, notification-service :$notif_port, gateways gw-a :$gw_a_port, gw-b :$gw_b_port, gw-c :$gw_c_port, gw-d :$gw_d_port, gw-e :$gw_e_port and gw-f :$gw_f_port"
start_process redis redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no --dir "$work/redis"
for _ in $(seq 50); do redis_answers 127.0.0.1 "$redis_port" && break; sleep 0.1; done
if ! redis_answers 127.0.0.1 "$redis_port"; then
  echo "error: Redis did not start; the end of its log:" >&2
  tail -n 30 "$work/logs/redis.log" >&2
  exit 1
fi

# Typing never expires during the suite, so a message:stop-typing a test sees was caused by
# an explicit stop or a closed connection. The slow-consumer test floods a chat from one user:
# message:new's limit is raised (default 30 per minute) so its acks test delivery, not limits.
start_process messaging-service GRPC_PORT="$grpc_port" OBSERVE_PORT="$msg_observe" REDIS_URL="$redis_url" \
  MESSAGING_TYPING_TTL_MS=600000 RATE_LIMITS="message:new=100000/60s" "${messaging_command[@]}"
# presence-service: the gateways route the presence events to it and report connection
# lifecycle (opened, alive, closed) to it; its deadline for asking messaging who shares a chat
# is as generous as the gateways' (below), so that a loaded machine makes a call slower, not
# refused as "who may call whom is unknown".
start_process presence-service GRPC_PORT="$presence_port" OBSERVE_PORT="$presence_observe" REDIS_URL="$redis_url" \
  MESSAGING_GRPC_TARGET="localhost:$grpc_port" PRESENCE_MESSAGING_DEADLINE_MS=30000 \
  "${presence_command[@]}"
# call-signaling-service: the gateways route the call events to it and report connection
# lifecycle (alive, closed) to it; it asks presence who may call whom, with a deadline as
# generous as the gateways' (below). A sweep every 100 ms, so that ring timeouts and lost
# connections end calls promptly. STUN and TURN servers (CALLS in $suite_dir/helpers.mjs), so
# that calls have ICE servers; the tests get the TURN secret to check the minted credentials.
start_process call-signaling-service GRPC_PORT="$calls_port" OBSERVE_PORT="$calls_observe" REDIS_URL="$redis_url" \
  PRESENCE_GRPC_TARGET="localhost:$presence_port" CALL_PRESENCE_DEADLINE_MS=30000 CALL_SWEEP_INTERVAL_MS=100 \
  CALL_ICE_STUN_URLS=stun:stun.sup.test:3478 \
  CALL_ICE_TURN_URLS="turn:turn.sup.test:3478?transport=udp,turns:turn.sup.test:5349" CALL_TURN_SECRET="$turn_secret" \
  "${calls_command[@]}"
# notification-service: the gateways route the notification and push events to it; it reads
# messaging's outbox and call-signalling's missed calls.
start_process notification-service GRPC_PORT="$notif_port" OBSERVE_PORT="$notif_observe" REDIS_URL="$redis_url" \
  MESSAGING_GRPC_TARGET="localhost:$grpc_port" CALLS_GRPC_TARGET="localhost:$calls_port" \
  "${notification_command[@]}"
# A generous gRPC deadline (the default is 5 s): on a loaded machine a slow answer must make
# the suite slower, not answer UNAVAILABLE. Loopback is exempt from the connection-attempt
# limits (the tests connect far more often than a user), except on gw-f, which tests them.
# Each gateway's admin gRPC API on a free port of its own (port 0).
gateway_env=(REDIS_URL="$redis_url" JWT_SECRET="$jwt_secret" MESSAGING_GRPC_TARGET="localhost:$grpc_port"
  PRESENCE_GRPC_TARGET="localhost:$presence_port" CALLS_GRPC_TARGET="localhost:$calls_port"
  NOTIFICATIONS_GRPC_TARGET="localhost:$notif_port"
  GATEWAY_GRPC_DEADLINE_MS=30000 RATE_LIMIT_EXEMPT_ADDRESSES=loopback GATEWAY_ADMIN_GRPC_PORT=0)
start_process gw-a "${gateway_env[@]}" PORT="$gw_a_port" METRICS_PORT="$gw_a_metrics" GATEWAY_INSTANCE_ID=gw-a \
  "${gateway_command[@]}"
# gw-b has the default timers too: the second instance of cross-gateway tests. Short timers
# live on gateways of their own, so that no test's passive client meets them.
start_process gw-b "${gateway_env[@]}" PORT="$gw_b_port" METRICS_PORT="$gw_b_metrics" GATEWAY_INSTANCE_ID=gw-b \
  "${gateway_command[@]}"
# gw-c is only for the idle-timeout tests: a short MAX_IDLE_TIME, and gw-e's ping timers so
# that the connections it idles out are alive by their heartbeat.
start_process gw-c "${gateway_env[@]}" PORT="$gw_c_port" METRICS_PORT="$gw_c_metrics" GATEWAY_INSTANCE_ID=gw-c \
  SOCKETIO_PING_INTERVAL=500 SOCKETIO_PING_TIMEOUT=5000 MAX_IDLE_TIME=4000 \
  "${gateway_command[@]}"
# gw-e is only for the heartbeat tests: a ping every 500 ms, and 5 s for the answer (long
# enough that a loaded machine's stalls do not pass for a dead peer).
start_process gw-e "${gateway_env[@]}" PORT="$gw_e_port" METRICS_PORT="$gw_e_metrics" GATEWAY_INSTANCE_ID=gw-e \
  SOCKETIO_PING_INTERVAL=500 SOCKETIO_PING_TIMEOUT=5000 \
  "${gateway_command[@]}"
# gw-d is only for the slow-consumer tests: a small outbound queue, and a close grace long
# enough for the close frame to get through once the stalled client reads again.
start_process gw-d "${gateway_env[@]}" PORT="$gw_d_port" METRICS_PORT="$gw_d_metrics" GATEWAY_INSTANCE_ID=gw-d \
  GATEWAY_OUTBOUND_LIMIT=16 GATEWAY_CLOSE_GRACE_MS=15000 \
  "${gateway_command[@]}"

# gw-f is only for the limits and token-lifetime tests: no exemption, two connection attempts
# per user a minute, a short leeway and warning, one allowed Origin.
start_process gw-f "${gateway_env[@]}" PORT="$gw_f_port" METRICS_PORT="$gw_f_metrics" GATEWAY_INSTANCE_ID=gw-f \
  RATE_LIMIT_EXEMPT_ADDRESSES= RATE_LIMIT_MAX_CONNECTIONS=2 JWT_LEEWAY_MS=500 JWT_EXPIRY_WARNING_MS=2000 \
  CORS_ORIGIN=https://app.example.com \
  "${gateway_command[@]}"

await_ready messaging-service "http://127.0.0.1:$msg_observe/health/ready"
await_ready presence-service "http://127.0.0.1:$presence_observe/health/ready"
await_ready call-signaling-service "http://127.0.0.1:$calls_observe/health/ready"
await_ready notification-service "http://127.0.0.1:$notif_observe/health/ready"
await_ready gw-a "http://127.0.0.1:$gw_a_metrics/health/ready"
await_ready gw-b "http://127.0.0.1:$gw_b_metrics/health/ready"
await_ready gw-c "http://127.0.0.1:$gw_c_metrics/health/ready"
await_ready gw-d "http://127.0.0.1:$gw_d_metrics/health/ready"
await_ready gw-e "http://127.0.0.1:$gw_e_metrics/health/ready"
await_ready gw-f "http://127.0.0.1:$gw_f_metrics/health/ready"
echo "==> Ready after $((SECONDS - t0)) s"

# The chats the tests use (their ids and members are in $suite_dir/helpers.mjs).
echo "==> Creating chats"
create_chat() { # id members...
  local id=$1 args=()
  shift
  for member in "$@"; do args+=(--member "$member"); done
  # A generous deadline: on a loaded machine the first calls to a fresh JVM can take seconds.
  tools/sup chat create --target "localhost:$grpc_port" --deadline-ms 60000 --id "$id" "${args[@]}" >"$work/logs/chat-$id.log" 2>&1
}
chat_pids=()
await_chats() { # the creations started so far; three at a time at most, each is a JVM
  local pid
  for pid in "${chat_pids[@]}"; do
    if ! wait "$pid"; then
      echo "error: creating a chat failed:" >&2
      cat "$work"/logs/chat-*.log >&2
      exit 1
    fi
  done
  chat_pids=()
}
create_chat sio-room sio-alice sio-bob & chat_pids+=($!)
create_chat sio-interop sio-dave sio-erin & chat_pids+=($!)
create_chat sio-domain sio-fay sio-gus & chat_pids+=($!)
await_chats
create_chat sio-side sio-alice sio-carol & chat_pids+=($!)
create_chat sio-connect sio-conn-typist sio-conn-watcher & chat_pids+=($!)
create_chat sio-flood sio-hal sio-ivy sio-jo & chat_pids+=($!)
await_chats
create_chat sio-limits sio-lim-typist sio-lim-watcher & chat_pids+=($!)
create_chat sio-presence sio-pia sio-quinn & chat_pids+=($!)
create_chat sio-calls sio-call-ann sio-call-ben & chat_pids+=($!)
await_chats

echo "==> npm ci"
(cd "$suite_dir" && npm ci --no-audit --no-fund --loglevel=error >"$work/logs/npm-ci.log" 2>&1) || {
  echo "error: npm ci failed:" >&2
  tail -n 30 "$work/logs/npm-ci.log" >&2
  exit 1
}

echo "==> node --test ($suite_dir)"
# In the background and waited for, so that a TERM or INT sent to this script is handled at
# once (bash runs traps only between foreground commands) and stops node with the rest.
(
  cd "$suite_dir"
  export GATEWAY_A_URL="http://127.0.0.1:$gw_a_port" GATEWAY_B_URL="http://127.0.0.1:$gw_b_port" \
    GATEWAY_C_URL="http://127.0.0.1:$gw_c_port" GATEWAY_D_URL="http://127.0.0.1:$gw_d_port" \
    GATEWAY_D_METRICS_URL="http://127.0.0.1:$gw_d_metrics/metrics" GATEWAY_E_URL="http://127.0.0.1:$gw_e_port" \
    GATEWAY_F_URL="http://127.0.0.1:$gw_f_port" \
    JWT_SECRET="$jwt_secret" CALL_TURN_SECRET="$turn_secret"
  shopt -s nullglob
  files=()
  for file in "$@"; do files+=("$(basename "$file")"); done
  [[ ${#files[@]} -gt 0 ]] || files=(*.test.mjs)
  exec node --test --test-concurrency=4 --test-timeout=120000 "${files[@]}"
) &
node_pid=$!
pids+=("$node_pid")
rc=0
wait "$node_pid" || rc=$?

for name in messaging-service presence-service call-signaling-service gw-a gw-b gw-c gw-d gw-e gw-f redis; do
  if ! kill -0 "${pid_of[$name]}" 2>/dev/null; then
    echo "error: $name exited while the tests ran" >&2
    [[ $rc -ne 0 ]] || rc=1
  fi
done
echo "==> Socket.IO suite finished in $((SECONDS - t0)) s (node exit code $rc)"
if [[ $rc -ne 0 ]]; then
  show_logs
fi
exit "$rc"
