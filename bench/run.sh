#!/usr/bin/env bash
# The side-by-side benchmark: this system (native protocol and Socket.IO) and the seed-stack
# peer (../shared/peers/socketio-seed, or $SEED_PEER) run one after the other on this
# machine against their own fresh Redis, driven by the same load generator and workload;
# the results go to docs/BENCHMARKS.md with the command, the machine and the date.
#
# Workload (environment, defaults): CONNECTIONS=1000 GROUP=10 RATE=2 (msg/s per client)
# DURATION=30 WARMUP=5 (seconds). Each system first gets one unmeasured run of the same
# workload (JIT warm-up). Builds the jars when missing (BUILD=1 forces it).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/scripts/common.sh
source tools/scripts/processes.sh
use_jdk
ensure_redis_server
ensure_node

CONNECTIONS=${CONNECTIONS:-1000}
GROUP=${GROUP:-10}
RATE=${RATE:-2}
DURATION=${DURATION:-30}
WARMUP=${WARMUP:-5}
SEED_PEER=${SEED_PEER:-../shared/peers/socketio-seed}
[[ -f "$SEED_PEER/server.js" ]] || { echo "error: the seed peer is not at $SEED_PEER (set SEED_PEER)" >&2; exit 1; }

if [[ -n "${BUILD:-}" || ! -f bench/target/bench.jar || ! -f edge-gateway/target/edge-gateway.jar ]]; then
  echo "==> Building"
  mvn -B -q -ntp package -DskipTests
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")
mkdir -p "$work/logs" "$work/redis"
trap 'rc=$?; trap - EXIT; stop_processes; echo "logs: $work/logs" >&2; exit $rc' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

secret=$(head -c 32 /dev/urandom | base64 | tr -d '/+=\n')
read -r redis_port grpc_port msg_observe gw_port gw_metrics peer_port <<<"$(free_ports 6)"
redis_url="redis://127.0.0.1:$redis_port"
workload=(--connections "$CONNECTIONS" --group "$GROUP" --rate "$RATE" --duration "$DURATION" --warmup "$WARMUP"
          --secret "$secret" --json)

start_redis() {
  start_process "redis-$1" redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
    --dir "$work/redis"
  for _ in $(seq 50); do redis_answers 127.0.0.1 "$redis_port" && return; sleep 0.1; done
  echo "error: Redis did not start" >&2
  exit 1
}

bench() { # label args...
  local label=$1
  shift
  echo "==> $label"
  java "${JAVA_OPTS_DEFAULT[@]}" -jar bench/target/bench.jar "${workload[@]}" "$@" >"$work/$label.json" \
    2>"$work/logs/bench-$label.log"
}

echo "==> This system: Redis :$redis_port, messaging-service :$grpc_port, gateway :$gw_port"
start_redis ours
start_process messaging-service GRPC_PORT="$grpc_port" OBSERVE_PORT="$msg_observe" REDIS_URL="$redis_url" \
  java "${JAVA_OPTS_DEFAULT[@]}" -jar messaging-service/target/messaging-service.jar
start_process gateway PORT="$gw_port" METRICS_PORT="$gw_metrics" REDIS_URL="$redis_url" JWT_SECRET="$secret" \
  MESSAGING_GRPC_TARGET="localhost:$grpc_port" java "${JAVA_OPTS_DEFAULT[@]}" -jar edge-gateway/target/edge-gateway.jar
await_ready messaging-service "http://127.0.0.1:$msg_observe/health/ready"
await_ready gateway "http://127.0.0.1:$gw_metrics/health/ready"
ours=(--url "http://127.0.0.1:$gw_port" --create-chats-grpc "localhost:$grpc_port"
      --server-pid "${pid_of[gateway]}" --server-pid "${pid_of[messaging-service]}")
# A JIT needs a minute of real traffic: an unmeasured run first, for every system alike.
bench ours-warmup --protocol native "${ours[@]}" --chat-prefix warm- --user-prefix w
bench ours-native --protocol native "${ours[@]}"
bench ours-socketio --protocol socketio "${ours[@]}"
stop_processes
pids=()

echo "==> The seed peer (Node) :$peer_port"
cp -r "$SEED_PEER" "$work/peer"
(cd "$work/peer" && npm ci --no-audit --no-fund --loglevel=error >"$work/logs/peer-npm.log" 2>&1)
start_redis peer
start_process peer REDIS_URL="$redis_url" JWT_SECRET="$secret" PORT="$peer_port" node "$work/peer/server.js"
await_ready peer "http://127.0.0.1:$peer_port/"
bench peer-warmup --protocol socketio --url "http://127.0.0.1:$peer_port" --chat-prefix warm- --user-prefix w
bench peer-socketio --protocol socketio --url "http://127.0.0.1:$peer_port" --server-pid "${pid_of[peer]}"

python3 bench/report.py "$work" "$0 (CONNECTIONS=$CONNECTIONS GROUP=$GROUP RATE=$RATE DURATION=$DURATION WARMUP=$WARMUP)" \
  > docs/BENCHMARKS.md
echo "==> Wrote docs/BENCHMARKS.md"
