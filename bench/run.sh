#!/usr/bin/env bash
# The side-by-side benchmark: this system as it is deployed (Redis with AOF everysec +
# messaging-service, presence-service, call-signaling-service, notification-service and
# edge-gateway; native protocol and Socket.IO) and the seed-stack peer (../shared/peers/socketio-seed,
# or $SEED_PEER) run one after the other on this machine, each against its own fresh Redis (AOF
# everysec too), driven by the same load generators and workloads. Results go to bench/results/<mode>/*.json and
# docs/BENCHMARKS.md is rewritten from everything under bench/results/ (see bench/README.md).
#
#   bench/run.sh [train] [load|ramp|idle|curves|big|compare ...]   default: all = load ramp idle
#
#   train   writes each JVM's AOT cache (<module>/target/<module>.aot, see common.sh
#           service_command): this system under load, TRAIN_DURATION=60 s of chats of 10 at
#           TRAIN_RATE=1 msg/s per client on each protocol (native, Socket.IO) from
#           TRAIN_CONNECTIONS=1000 clients, then every JVM stopped so that it writes its cache
#           (STOP_GRACE=180 s for that). Every later run of this system starts with the caches
#           (AOT_CACHE=off: without); a build makes them stale (each service then starts
#           without its cache, with a note), so train again after one. Writes no results.
#
#   compare the issue-15 protocol: for each workload of WORKLOADS="10 2;10 5;2 5" ("group rate";
#           COMPARE_CONNECTIONS=1000 clients), each generator of GENERATORS_KIND="java node" (the
#           Java generator and bench/node, the real npm socket.io-client) and each system (this
#           one over Socket.IO, over native with the Java generator only, the peer):
#           COMPARE_WARMUPS=2 unmeasured runs, then one measured run, each COMPARE_DURATION=10 s
#           (plus COMPARE_RUN_WARMUP=2 s unmeasured inside each run while the send phases
#           spread); a fresh system per workload. Then the ack round trip (rtt) on a fresh idle
#           system, both generators, ours and the peer: RTT_COUNT=4000 sequential sends, the
#           later half measured. NODE_WORKERS=2 generator processes for bench/node.
#
#   load    fixed rate: CONNECTIONS=1000 GROUP=10 RATE=2 DURATION=30 WARMUP=5
#   ramp    the rate per client raised step by step until delivery p99 > P99_BOUND or a loss:
#           RAMP_CONNECTIONS=$CONNECTIONS RAMP_RATE=1 RAMP_FACTOR=1.25 (or RAMP_STEP=msg/s added)
#           STEP_DURATION=10 STEP_SETTLE=2 P99_BOUND=50 MAX_RATE= MAX_STEPS=30
#           RAMP_PROTOCOLS="native socketio" (this system's protocols; the peer is Socket.IO),
#           RAMP_WARMUP=20 (s of an unmeasured load run at RAMP_RATE first; 0 = none)
#   idle    IDLE_CONNECTIONS=10000 held HOLD=90 s with heartbeats only, SETTLE=5; server RSS
#           (and heap, via jcmd) per connection
#   big     (alias idle50k) BIG_CONNECTIONS=50000 idle native connections on one gateway,
#           BIG_HOLD=120; the peer too with BIG_PEER=1
#   curves  (long) load runs at CURVE_RATE=0.2 msg/s per client for CURVE_CONNECTIONS=
#           "1000 5000 20000 50000" (chats of 10), and for chat sizes CURVE_GROUPS="2 10 100 1000"
#           at CURVE_GROUP_CONNECTIONS=2000 with the rate set so that every point offers
#           CURVE_DELIVERIES=9000 deliveries/s; CURVE_DURATION=20 CURVE_WARMUP=5,
#           CURVE_SYSTEMS="ours peer" CURVE_WARMUP_RUN=20 (s; 0 = no warm-up run)
#
# Common knobs: SOURCE_ADDRESSES (a count K -> 127.0.0.1..K, or a comma list; default
# ceil(connections/20000)), GENERATORS (idle/big: generator JVMs, default from ulimit -n),
# BENCH_HEAP (generator -Xmx, default from the connection count), PING_INTERVAL (ms: the
# gateway's HEARTBEAT_INTERVAL and SOCKETIO_PING_INTERVAL; default: production values, except
# that an idle hold shorter than 90 s gets HOLD/4 so that pings are seen), CONNECT_TIMEOUT=20
# and GIVE_UP_AFTER=400 (idle, big: stop connecting after that many failures), RESULTS
# (default bench/results), DOC (default docs/BENCHMARKS.md; empty: no doc), BUILD=1,
# GATEWAY_SETTINGS (space-separated VAR=value given to this system's gateway in every run,
# training included, after and over a mode's own, e.g. "GATEWAY_GRPC_QUEUE_LENGTH=0": the
# services start with env -i, so an exported variable never reaches them).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/scripts/common.sh
source tools/scripts/processes.sh
use_jdk
ensure_redis_server
ensure_node

targets=()
for t in "${@:-all}"; do
  case "$t" in
    all) targets+=(load ramp idle) ;;
    train | load | ramp | idle | curves | big | compare) targets+=("$t") ;;
    idle50k) targets+=(big) ;;
    *) echo "usage: $0 [train] [load|ramp|idle|curves|big|compare|all ...]" >&2; exit 2 ;;
  esac
done

CONNECTIONS=${CONNECTIONS:-1000}
GROUP=${GROUP:-10}
RATE=${RATE:-2}
DURATION=${DURATION:-30}
WARMUP=${WARMUP:-5}
RAMP_CONNECTIONS=${RAMP_CONNECTIONS:-$CONNECTIONS}
RAMP_RATE=${RAMP_RATE:-1}
RAMP_FACTOR=${RAMP_FACTOR:-1.25}
RAMP_STEP=${RAMP_STEP:-}
STEP_DURATION=${STEP_DURATION:-10}
STEP_SETTLE=${STEP_SETTLE:-2}
P99_BOUND=${P99_BOUND:-50}
MAX_RATE=${MAX_RATE:-}
MAX_STEPS=${MAX_STEPS:-30}
RAMP_WARMUP=${RAMP_WARMUP:-20}
RAMP_PROTOCOLS=${RAMP_PROTOCOLS:-native socketio}
IDLE_CONNECTIONS=${IDLE_CONNECTIONS:-10000}
HOLD=${HOLD:-90}
SETTLE=${SETTLE:-5}
BIG_CONNECTIONS=${BIG_CONNECTIONS:-50000}
BIG_HOLD=${BIG_HOLD:-120}
BIG_PEER=${BIG_PEER:-0}
CURVE_CONNECTIONS=${CURVE_CONNECTIONS:-1000 5000 20000 50000}
CURVE_RATE=${CURVE_RATE:-0.2}
CURVE_GROUPS=${CURVE_GROUPS:-2 10 100 1000}
CURVE_GROUP_CONNECTIONS=${CURVE_GROUP_CONNECTIONS:-2000}
CURVE_DELIVERIES=${CURVE_DELIVERIES:-9000}
CURVE_DURATION=${CURVE_DURATION:-20}
CURVE_WARMUP=${CURVE_WARMUP:-5}
CURVE_SYSTEMS=${CURVE_SYSTEMS:-ours peer}
CURVE_WARMUP_RUN=${CURVE_WARMUP_RUN:-20}
WORKLOADS=${WORKLOADS:-10 2;10 5;2 5}
GENERATORS_KIND=${GENERATORS_KIND:-java node}
COMPARE_CONNECTIONS=${COMPARE_CONNECTIONS:-1000}
COMPARE_DURATION=${COMPARE_DURATION:-10}
COMPARE_WARMUPS=${COMPARE_WARMUPS:-2}
COMPARE_RUN_WARMUP=${COMPARE_RUN_WARMUP:-2}
RTT_COUNT=${RTT_COUNT:-4000}
NODE_WORKERS=${NODE_WORKERS:-2}
CONNECT_TIMEOUT=${CONNECT_TIMEOUT:-20}
GIVE_UP_AFTER=${GIVE_UP_AFTER:-400}
RESULTS=${RESULTS:-bench/results}
DOC=${DOC-docs/BENCHMARKS.md}
SEED_PEER=${SEED_PEER:-../shared/peers/socketio-seed}
[[ -f "$SEED_PEER/server.js" ]] || { echo "error: the seed peer is not at $SEED_PEER (set SEED_PEER)" >&2; exit 1; }

# Every socket is a file descriptor, in the generator and in the server alike; the servers
# started below inherit this limit. Where the hard limit cannot be raised (no CAP_SYS_RESOURCE),
# the soft limit goes up to the hard one and the limit is written into the results.
ulimit -n 1000000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
FD_LIMIT=$(ulimit -n)

# This system's JVMs, as service_command knows them.
modules=(edge-gateway messaging-service presence-service call-signaling-service notification-service)

jars_missing() {
  local module
  for module in bench "${modules[@]}"; do
    [[ -f "$module/target/$module.jar" ]] || return 0
  done
  return 1
}
if [[ -n "${BUILD:-}" ]] || jars_missing; then
  echo "==> Building"
  mvn -B -q -ntp package -DskipTests
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")
mkdir -p "$work/logs"
trap 'rc=$?; trap - EXIT; stop_processes; echo "logs: $work/logs" >&2; exit $rc' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
secret=$(head -c 32 /dev/urandom | base64 | tr -d '/+=\n')
system=none
notes=()

# ---------------------------------------------------------------- systems

stop_system() {
  stop_processes
  pids=()
  pid_of=()
  system=none
}

start_redis() {
  redis_port=$(free_ports 1)
  redis_url="redis://127.0.0.1:$redis_port"
  rm -rf "$work/redis" && mkdir -p "$work/redis"
  # As deployed (tools/run-local.sh, deploy/): AOF on, fsync every second; for the peer's Redis too.
  start_process redis redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly yes --appendfsync everysec \
    --dir "$work/redis"
  for _ in $(seq 50); do redis_answers 127.0.0.1 "$redis_port" && return; sleep 0.1; done
  echo "error: Redis did not start" >&2
  exit 1
}

# A fresh Redis and every service as deployed: messaging-service, presence-service,
# call-signaling-service, notification-service and the gateway (wired as tools/run-local.sh
# wires them). Arguments: extra VAR=value for the gateway.
start_ours() {
  stop_system
  local grpc_port msg_observe presence_port presence_observe calls_port calls_observe notif_port notif_observe gw_metrics
  start_redis
  read -r grpc_port msg_observe presence_port presence_observe calls_port calls_observe notif_port notif_observe gw_port gw_metrics \
    <<<"$(free_ports 10)"
  # Every service knows its peers at the ports just chosen, and runs with the JVM flags it has
  # in tools/run-local.sh (common.sh java_opts_for).
  service_command messaging-service && local messaging_command=("${SERVICE_COMMAND[@]}")
  service_command presence-service && local presence_command=("${SERVICE_COMMAND[@]}")
  service_command call-signaling-service && local calls_command=("${SERVICE_COMMAND[@]}")
  service_command notification-service && local notification_command=("${SERVICE_COMMAND[@]}")
  service_command edge-gateway && local gateway_command=("${SERVICE_COMMAND[@]}")
  local peers=(MESSAGING_GRPC_TARGET="localhost:$grpc_port" PRESENCE_GRPC_TARGET="localhost:$presence_port"
               CALLS_GRPC_TARGET="localhost:$calls_port")
  # Limits raised as the peer raises its own (server.js: 30000/60 s, 10000/10 s), checks kept:
  # the default 30 messages per user and minute would refuse most of a 2 msg/s load.
  start_process messaging-service GRPC_PORT="$grpc_port" OBSERVE_PORT="$msg_observe" REDIS_URL="$redis_url" "${peers[@]}" \
    RATE_LIMITS="message:new=30000/60s,message:typing=10000/10s" "${messaging_command[@]}"
  # presence-service: the gateway reports every connection to it (opened, alive, closed).
  start_process presence-service GRPC_PORT="$presence_port" OBSERVE_PORT="$presence_observe" REDIS_URL="$redis_url" "${peers[@]}" \
    "${presence_command[@]}"
  # call-signaling-service: the gateway reports connection lifecycle (alive, closed) to it.
  start_process call-signaling-service GRPC_PORT="$calls_port" OBSERVE_PORT="$calls_observe" REDIS_URL="$redis_url" "${peers[@]}" \
    "${calls_command[@]}"
  # notification-service: reads messaging's outbox (every message goes through it).
  start_process notification-service GRPC_PORT="$notif_port" OBSERVE_PORT="$notif_observe" REDIS_URL="$redis_url" "${peers[@]}" \
    "${notification_command[@]}"
  # The load generator connects thousands of users from loopback within seconds: exempt it
  # from the connection-attempt limits, as a deployment would its load balancer. Readiness
  # covers all four services, as deployed.
  local settings=() s
  read -r -a settings <<<"${GATEWAY_SETTINGS:-}"
  for s in ${settings[@]+"${settings[@]}"}; do
    [[ $s == [A-Za-z_]*=* ]] || { echo "error: GATEWAY_SETTINGS holds '$s', not VAR=value" >&2; exit 2; }
  done
  start_process gateway PORT="$gw_port" METRICS_PORT="$gw_metrics" REDIS_URL="$redis_url" JWT_SECRET="$secret" "${peers[@]}" \
    NOTIFICATIONS_GRPC_TARGET="localhost:$notif_port" \
    RATE_LIMIT_EXEMPT_ADDRESSES=loopback GATEWAY_ADMIN_GRPC_PORT=0 "$@" ${settings[@]+"${settings[@]}"} "${gateway_command[@]}"
  await_ready messaging-service "http://127.0.0.1:$msg_observe/health/ready"
  await_ready presence-service "http://127.0.0.1:$presence_observe/health/ready"
  await_ready call-signaling-service "http://127.0.0.1:$calls_observe/health/ready"
  await_ready notification-service "http://127.0.0.1:$notif_observe/health/ready"
  await_ready gateway "http://127.0.0.1:$gw_metrics/health/ready"
  local extra=("$@" ${settings[@]+"${settings[@]}"})
  echo "==> This system: Redis :$redis_port (AOF everysec), messaging-service :$grpc_port, presence-service :$presence_port, call-signaling-service :$calls_port, notification-service :$notif_port, gateway :$gw_port ${extra[*]:-(production settings)}"
  echo "    AOT caches (bench/run.sh train): $(aot_cache_state "${modules[@]}")"
  server_pids=(--server-pid "gateway=${pid_of[gateway]}" --server-pid "messaging-service=${pid_of[messaging-service]}"
               --server-pid "presence-service=${pid_of[presence-service]}"
               --server-pid "call-signaling-service=${pid_of[call-signaling-service]}"
               --server-pid "notification-service=${pid_of[notification-service]}"
               --server-pid "redis=${pid_of[redis]}")
  create_chats=(--create-chats-grpc "localhost:$grpc_port")
  node_target=(--url "http://127.0.0.1:$gw_port" "${server_pids[@]}")
  target=(--url "http://127.0.0.1:$gw_port" "${create_chats[@]}" "${server_pids[@]}")
  system=ours
}

start_peer() {
  stop_system
  if [[ ! -d "$work/peer/node_modules" ]]; then
    cp -r "$SEED_PEER" "$work/peer"
    (cd "$work/peer" && npm ci --no-audit --no-fund --loglevel=error >"$work/logs/peer-npm.log" 2>&1)
  fi
  start_redis
  local peer_port
  peer_port=$(free_ports 1)
  start_process peer REDIS_URL="$redis_url" JWT_SECRET="$secret" PORT="$peer_port" node "$work/peer/server.js"
  await_ready peer "http://127.0.0.1:$peer_port/"
  echo "==> The seed peer (Node) :$peer_port"
  server_pids=(--server-pid "peer=${pid_of[peer]}" --server-pid "redis=${pid_of[redis]}")
  create_chats=()
  node_target=(--url "http://127.0.0.1:$peer_port" "${server_pids[@]}")
  target=("${node_target[@]}")
  system=peer
}

# ---------------------------------------------------------------- the generator

sources_for() { # connections -> --source-address-count/--source-addresses args
  local n=$1 spec=${SOURCE_ADDRESSES:-}
  if [[ -z "$spec" ]]; then spec=$(((n + 19999) / 20000)); fi
  if [[ "$spec" =~ ^[0-9]+$ ]]; then
    ((spec > 1)) && echo "--source-address-count $spec"
  else
    echo "--source-addresses $spec"
  fi
  return 0
}

heap_for() { # connections in one generator JVM -> -Xmx (about 70-80 KB of heap per java.net.http WebSocket)
  echo "${BENCH_HEAP:-$((512 + $1 * 150 / 1000))m}"
}

# bench <mode dir> <label> <connections> args... : one run of the Java generator, its JSON into
# $RESULTS/<mode>/<label>.json (a label may name a subfolder: g10-r2/ours-socketio-java)
bench() { run_generator java "$@"; }

# The Node generator (bench/node: the real npm socket.io-client), from its lockfile with npm ci
# when its node_modules is missing or older than the lockfile.
ensure_node_bench() {
  local lock=bench/node/package-lock.json installed=bench/node/node_modules/.package-lock.json
  [[ -f "$installed" && ! "$lock" -nt "$installed" ]] && return 0
  echo "==> npm ci (bench/node)"
  (cd bench/node && npm ci --no-audit --no-fund --loglevel=error) >"$work/logs/bench-node-npm.log" 2>&1 || {
    echo "error: npm ci in bench/node failed:" >&2
    tail -n 20 "$work/logs/bench-node-npm.log" >&2
    exit 1
  }
}

# run_generator <java|node> <mode dir> <label> <connections> args...
run_generator() {
  local kind=$1 mode=$2 label=$3 n=$4 rc=0
  shift 4
  local file=${label//\//_}
  echo "==> $mode: $label"
  if [[ "$kind" == node ]]; then
    node bench/node/bench.mjs --json --secret "$secret" --connections "$n" "$@" \
      >"$work/$mode-$file.json" 2>"$work/logs/bench-$mode-$file.log" || rc=$?
  else
    # shellcheck disable=SC2046
    java "${JAVA_OPTS_DEFAULT[@]}" "-Xmx$(heap_for "$n")" -jar bench/target/bench.jar --json --secret "$secret" \
      --connections "$n" $(sources_for "$n") "$@" >"$work/$mode-$file.json" 2>"$work/logs/bench-$mode-$file.log" || rc=$?
  fi
  if [[ $rc -ne 0 || ! -s "$work/$mode-$file.json" ]]; then
    echo "   the generator failed (exit $rc); the end of its log:" >&2
    tail -n 20 "$work/logs/bench-$mode-$file.log" >&2
    notes+=("$mode/$label: the $kind generator failed (exit $rc), see its log")
    return 0
  fi
  if [[ "$label" != *warmup* ]]; then
    mkdir -p "$(dirname "$RESULTS/$mode/$label.json")"
    cp "$work/$mode-$file.json" "$RESULTS/$mode/$label.json"
  fi
  python3 bench/report.py summary "$work/$mode-$file.json" || true
}

begin_mode() { # mode: a clean results directory for it
  rm -rf "${RESULTS:?}/$1"
  mkdir -p "$RESULTS/$1"
  notes=()
}

end_mode() { # mode command-description settings...
  local mode=$1 desc=$2
  shift 2
  stop_system
  python3 bench/report.py meta "$RESULTS/$mode" "$desc" "fd_limit=$FD_LIMIT" "aot cache=$(aot_cache_state "${modules[@]}")" \
    ${GATEWAY_SETTINGS:+"gateway settings=$GATEWAY_SETTINGS"} "$@" "${notes[@]/#/note=}"
}

ping_env() { # hold seconds -> gateway env (and a description) for heartbeats within the hold
  local hold=$1 interval=${PING_INTERVAL:-}
  if [[ -z "$interval" && $hold -lt 90 ]]; then interval=$((hold * 1000 / 4)); fi
  if [[ -n "$interval" ]]; then
    gw_env=(HEARTBEAT_INTERVAL="$interval" SOCKETIO_PING_INTERVAL="$interval")
    ping_desc="gateway ping interval ${interval} ms (HEARTBEAT_INTERVAL, SOCKETIO_PING_INTERVAL; production 30000 and 25000); the peer pings every 25000 ms (fixed in its server.js)"
  else
    gw_env=()
    ping_desc="production ping intervals: gateway 30000 ms native, 25000 ms Socket.IO; peer 25000 ms"
  fi
}

# ---------------------------------------------------------------- modes

run_train() {
  local module log p w=(--group 10 --rate "${TRAIN_RATE:-1}" --duration "${TRAIN_DURATION:-60}" --warmup 5)
  notes=()
  AOT_TRAINING=1 start_ours
  for p in native socketio; do
    bench train "warmup-$p" "${TRAIN_CONNECTIONS:-1000}" "${w[@]}" --protocol "$p" "${target[@]}" \
      --chat-prefix "train-$p-" --user-prefix "t$p"
  done
  # A cache trained on a failed run would hold the profile of an idle system; a JVM stopped
  # now may leave part of one.
  if [[ ${#notes[@]} -gt 0 ]]; then
    printf 'error: %s\n' "${notes[@]}" >&2
    echo "error: training failed; stopping without writing caches" >&2
    STOP_GRACE=1 stop_system
    for module in "${modules[@]}"; do rm -f "$module/target/$module.aot" "$module/target/$module.aot.config"; done
    exit 1
  fi
  echo "==> Stopping this system: each JVM writes its AOT cache as it exits"
  STOP_GRACE=${STOP_GRACE:-180} stop_system
  for module in "${modules[@]}"; do
    log="$work/logs/${module/edge-gateway/gateway}.log"
    # The JVM says so once the cache is whole; a JVM killed while writing leaves a part.
    if grep -q "AOTCache creation is complete" "$log"; then
      echo "   $module/target/$module.aot: $(du -h "$module/target/$module.aot" | cut -f1)"
    else
      rm -f "$module/target/$module.aot"
      echo "error: $module wrote no AOT cache; the end of its log:" >&2
      tail -n 20 "$log" >&2
      exit 1
    fi
  done
}

run_load() {
  begin_mode load
  local w=(--group "$GROUP" --rate "$RATE" --duration "$DURATION" --warmup "$WARMUP")
  start_ours
  # A JIT needs a minute of real traffic: an unmeasured run first, for every system alike.
  bench load ours-warmup "$CONNECTIONS" "${w[@]}" --protocol native "${target[@]}" --chat-prefix warm- --user-prefix w
  bench load ours-native "$CONNECTIONS" "${w[@]}" --protocol native "${target[@]}"
  bench load ours-socketio "$CONNECTIONS" "${w[@]}" --protocol socketio "${target[@]}"
  start_peer
  bench load peer-warmup "$CONNECTIONS" "${w[@]}" --protocol socketio "${target[@]}" --chat-prefix warm- --user-prefix w
  bench load peer-socketio "$CONNECTIONS" "${w[@]}" --protocol socketio "${target[@]}"
  end_mode load "bench/run.sh load (CONNECTIONS=$CONNECTIONS GROUP=$GROUP RATE=$RATE DURATION=$DURATION WARMUP=$WARMUP)"
}

run_ramp() {
  begin_mode ramp
  local r=(--mode ramp --group "$GROUP" --rate "$RAMP_RATE" --step-duration "$STEP_DURATION" --step-settle "$STEP_SETTLE"
           --p99-bound "$P99_BOUND" --max-steps "$MAX_STEPS")
  if [[ -n "$RAMP_STEP" ]]; then r+=(--ramp-step "$RAMP_STEP"); else r+=(--ramp-factor "$RAMP_FACTOR"); fi
  [[ -n "$MAX_RATE" ]] && r+=(--max-rate "$MAX_RATE")
  local warm=(--group "$GROUP" --rate "$RAMP_RATE" --duration "$RAMP_WARMUP" --warmup 5 --chat-prefix warm- --user-prefix w)
  start_ours
  ((RAMP_WARMUP > 0)) && bench ramp ours-warmup "$RAMP_CONNECTIONS" "${warm[@]}" --protocol native "${target[@]}"
  local p
  for p in $RAMP_PROTOCOLS; do
    bench ramp "ours-$p" "$RAMP_CONNECTIONS" "${r[@]}" --protocol "$p" "${target[@]}" --chat-prefix "ramp-$p-" --user-prefix "r$p"
  done
  start_peer
  ((RAMP_WARMUP > 0)) && bench ramp peer-warmup "$RAMP_CONNECTIONS" "${warm[@]}" --protocol socketio "${target[@]}"
  bench ramp peer-socketio "$RAMP_CONNECTIONS" "${r[@]}" --protocol socketio "${target[@]}" --chat-prefix ramp- --user-prefix r
  local how="RAMP_FACTOR=$RAMP_FACTOR"
  [[ -n "$RAMP_STEP" ]] && how="RAMP_STEP=$RAMP_STEP"
  end_mode ramp "bench/run.sh ramp (RAMP_CONNECTIONS=$RAMP_CONNECTIONS GROUP=$GROUP RAMP_RATE=$RAMP_RATE $how STEP_DURATION=$STEP_DURATION STEP_SETTLE=$STEP_SETTLE P99_BOUND=$P99_BOUND${MAX_RATE:+ MAX_RATE=$MAX_RATE} MAX_STEPS=$MAX_STEPS)" \
    "warm-up=$([[ $RAMP_WARMUP -gt 0 ]] && echo "one unmeasured $((RAMP_WARMUP + 5)) s load run at RAMP_RATE per system before its ramps" || echo none)"
}

generators_for() { # connections -> generator JVMs for an idle run
  if [[ -n "${GENERATORS:-}" ]]; then echo "$GENERATORS"; return; fi
  local per=$((FD_LIMIT * 8 / 10))
  echo $(((${1} + per - 1) / per))
}

idle_run() { # mode label connections hold protocol
  local mode=$1 label=$2 n=$3 hold=$4 protocol=$5 g
  g=$(generators_for "$n")
  local args=(--mode idle --group "$GROUP" --hold "$hold" --settle "$SETTLE" --protocol "$protocol" "${target[@]}"
              --server-jcmd --histogram-dir "$RESULTS/$mode/histograms/$label"
              --connect-timeout "$CONNECT_TIMEOUT" --give-up-after "$GIVE_UP_AFTER")
  if ((g > 1)); then
    args+=(--processes "$g" --worker-heap "$(heap_for $(((n + g - 1) / g)))")
    BENCH_HEAP=${BENCH_HEAP:-512m} bench "$mode" "$label" "$n" "${args[@]}"
  else
    bench "$mode" "$label" "$n" "${args[@]}"
  fi
}

run_idle() {
  begin_mode idle
  local GATEWAY_HEAP=$(gateway_heap_for "$IDLE_CONNECTIONS")
  ping_env "$HOLD"
  start_ours "${gw_env[@]}"
  idle_run idle ours-native "$IDLE_CONNECTIONS" "$HOLD" native
  start_ours "${gw_env[@]}"
  idle_run idle ours-socketio "$IDLE_CONNECTIONS" "$HOLD" socketio
  start_peer
  idle_run idle peer-socketio "$IDLE_CONNECTIONS" "$HOLD" socketio
  end_mode idle "bench/run.sh idle (IDLE_CONNECTIONS=$IDLE_CONNECTIONS GROUP=$GROUP HOLD=$HOLD SETTLE=$SETTLE${SOURCE_ADDRESSES:+ SOURCE_ADDRESSES=$SOURCE_ADDRESSES})" \
    "heartbeats=$ping_desc" "generators=$(generators_for "$IDLE_CONNECTIONS")"
}

# The gateway's heap bound (common.sh GATEWAY_HEAP, default 512m) for runs of many idle
# connections: ~20 KB of heap each, doubled for headroom, plus 256 MB.
gateway_heap_for() { # connections
  echo "${GATEWAY_HEAP:-$((256 + $1 * 40 / 1000))m}"
}

run_big() {
  begin_mode big
  # (local: evaluated before it shadows a GATEWAY_HEAP given in the environment)
  local GATEWAY_HEAP=$(gateway_heap_for "$BIG_CONNECTIONS")
  ping_env "$BIG_HOLD"
  start_ours "${gw_env[@]}"
  idle_run big ours-native "$BIG_CONNECTIONS" "$BIG_HOLD" native
  tail -n 200 "$work/logs/gateway.log" >"$RESULTS/big/gateway-log-tail.txt" || true
  if [[ "$BIG_PEER" == 1 ]]; then
    start_peer
    idle_run big peer-socketio "$BIG_CONNECTIONS" "$BIG_HOLD" socketio
    tail -n 200 "$work/logs/peer.log" >"$RESULTS/big/peer-log-tail.txt" || true
  fi
  end_mode big "bench/run.sh big (BIG_CONNECTIONS=$BIG_CONNECTIONS GROUP=$GROUP BIG_HOLD=$BIG_HOLD SETTLE=$SETTLE${SOURCE_ADDRESSES:+ SOURCE_ADDRESSES=$SOURCE_ADDRESSES} BIG_PEER=$BIG_PEER)" \
    "heartbeats=$ping_desc" "generators=$(generators_for "$BIG_CONNECTIONS")"
}

run_curves() {
  begin_mode curves
  local GATEWAY_HEAP=$(gateway_heap_for "$(tr ' ' '\n' <<<"$CURVE_CONNECTIONS" | sort -n | tail -n1)")
  local s n g rate
  for s in $CURVE_SYSTEMS; do
    case "$s" in
      ours) start_ours; local p=native ;;
      peer) start_peer; local p=socketio ;;
      *) echo "error: CURVE_SYSTEMS takes ours and peer" >&2; exit 2 ;;
    esac
    ((CURVE_WARMUP_RUN > 0)) && bench curves "$s-warmup" 1000 --group 10 --rate 1 --duration "$CURVE_WARMUP_RUN" --warmup 5 \
      --protocol "$p" "${target[@]}" --chat-prefix warm- --user-prefix w
    for n in $CURVE_CONNECTIONS; do
      bench curves "$s-conn-$n" "$n" --group 10 --rate "$CURVE_RATE" --duration "$CURVE_DURATION" --warmup "$CURVE_WARMUP" \
        --protocol "$p" "${target[@]}" --chat-prefix "cc$n-" --user-prefix "cc$n-" --connect-timeout "$CONNECT_TIMEOUT"
    done
    for g in $CURVE_GROUPS; do
      n=$CURVE_GROUP_CONNECTIONS
      rate=$(python3 -c "print(round($CURVE_DELIVERIES / ($n * max(1, min($g, $n) - 1)), 6))")
      bench curves "$s-group-$g" "$n" --group "$g" --rate "$rate" --duration "$CURVE_DURATION" --warmup "$CURVE_WARMUP" \
        --protocol "$p" "${target[@]}" --chat-prefix "cg$g-" --user-prefix "cg$g-"
    done
  done
  end_mode curves "bench/run.sh curves (CURVE_CONNECTIONS=\"$CURVE_CONNECTIONS\" CURVE_RATE=$CURVE_RATE CURVE_GROUPS=\"$CURVE_GROUPS\" CURVE_GROUP_CONNECTIONS=$CURVE_GROUP_CONNECTIONS CURVE_DELIVERIES=$CURVE_DELIVERIES CURVE_DURATION=$CURVE_DURATION CURVE_WARMUP=$CURVE_WARMUP CURVE_SYSTEMS=\"$CURVE_SYSTEMS\")" \
    "warm-up=$([[ $CURVE_WARMUP_RUN -gt 0 ]] && echo "one unmeasured $((CURVE_WARMUP_RUN + 5)) s run of 1000 connections at 1 msg/s per system" || echo none)"
}

# compare: one workload on the running system with one generator: COMPARE_WARMUPS unmeasured
# runs, then the measured one. compare_runs <kind> <workload dir> <name> <group> <rate> <chat/user prefix> args...
compare_runs() {
  local kind=$1 dir=$2 name=$3 group=$4 rate=$5 prefix=$6 i
  shift 6
  local w=(--group "$group" --rate "$rate" --duration "$COMPARE_DURATION" --warmup "$COMPARE_RUN_WARMUP"
           --chat-prefix "$prefix-" --user-prefix "${prefix}u")
  # The chats must exist on this system: the Java generator's setup mode creates them (only that;
  # existing ones are kept), once before the runs, so that no measured run waits on it.
  if [[ "$system" == ours ]]; then
    run_generator java compare "$dir/setup-warmup" "$COMPARE_CONNECTIONS" --mode setup --group "$group" \
      --chat-prefix "$prefix-" --user-prefix "${prefix}u" "${create_chats[@]}"
  fi
  if [[ "$kind" == node ]]; then
    w+=(--workers "$NODE_WORKERS" "${node_target[@]}")
  else
    w+=("${node_target[@]}") # the URL and the server pids (the chats exist)
  fi
  for ((i = 1; i <= COMPARE_WARMUPS; i++)); do
    run_generator "$kind" compare "$dir/$name-warmup$i" "$COMPARE_CONNECTIONS" "${w[@]}" "$@" --drain 2
  done
  run_generator "$kind" compare "$dir/$name" "$COMPARE_CONNECTIONS" "${w[@]}" "$@"
}

run_compare() {
  begin_mode compare
  local workload group rate kind dir prefix
  local kinds=()
  for kind in $GENERATORS_KIND; do
    case "$kind" in
      java) ;;
      node) ensure_node_bench ;;
      *) echo "error: GENERATORS_KIND takes java and node" >&2; exit 2 ;;
    esac
    kinds+=("$kind")
  done
  IFS=';' read -r -a workloads <<<"$WORKLOADS"
  for workload in "${workloads[@]}"; do
    read -r group rate <<<"$workload"
    [[ -n "$group" && -n "$rate" ]] || continue
    dir="g$group-r$rate"
    prefix="c${group}r${rate//./_}"
    start_ours
    for kind in "${kinds[@]}"; do
      compare_runs "$kind" "$dir" "ours-socketio-$kind" "$group" "$rate" "$prefix" $([[ $kind == java ]] && echo --protocol socketio)
      if [[ "$kind" == java ]]; then
        compare_runs java "$dir" ours-native-java "$group" "$rate" "$prefix" --protocol native
      fi
    done
    start_peer
    for kind in "${kinds[@]}"; do
      compare_runs "$kind" "$dir" "peer-socketio-$kind" "$group" "$rate" "$prefix" $([[ $kind == java ]] && echo --protocol socketio)
    done
  done
  # The ack round trip on an idle system: one client, one message after another.
  local r=(--mode rtt --rtt-count "$RTT_COUNT" --group 2 --chat-prefix rtt- --user-prefix rttu)
  start_ours
  for kind in "${kinds[@]}"; do
    if [[ "$kind" == java ]]; then
      run_generator java compare rtt/ours-socketio-java 1 "${r[@]}" --protocol socketio "${target[@]}"
      run_generator java compare rtt/ours-native-java 1 "${r[@]}" --protocol native "${target[@]}"
    else
      run_generator java compare rtt/setup-warmup 1 --mode setup --group 2 --chat-prefix rtt- --user-prefix rttu "${create_chats[@]}"
      run_generator node compare rtt/ours-socketio-node 1 "${r[@]}" "${node_target[@]}"
    fi
  done
  start_peer
  for kind in "${kinds[@]}"; do
    if [[ "$kind" == java ]]; then
      run_generator java compare rtt/peer-socketio-java 1 "${r[@]}" --protocol socketio "${target[@]}"
    else
      run_generator node compare rtt/peer-socketio-node 1 "${r[@]}" "${node_target[@]}"
    fi
  done
  end_mode compare "bench/run.sh compare (WORKLOADS=\"$WORKLOADS\" GENERATORS_KIND=\"$GENERATORS_KIND\" COMPARE_CONNECTIONS=$COMPARE_CONNECTIONS COMPARE_WARMUPS=$COMPARE_WARMUPS COMPARE_DURATION=$COMPARE_DURATION COMPARE_RUN_WARMUP=$COMPARE_RUN_WARMUP RTT_COUNT=$RTT_COUNT NODE_WORKERS=$NODE_WORKERS)" \
    "redis=AOF on (appendonly yes, appendfsync everysec) for this system and the peer" \
    "this system=every service: messaging, presence, call-signaling, notification, gateway; server CPU and RSS cover all five JVMs and Redis" \
    "warm-up=$COMPARE_WARMUPS unmeasured runs of ${COMPARE_DURATION} s of the same workload and generator before each measured run; a fresh system per workload" \
    "node generator=bench/node (socket.io-client $(node -p "require('./bench/node/node_modules/socket.io-client/package.json').version" 2>/dev/null || echo '?')), $NODE_WORKERS processes"
}

echo "==> Targets: ${targets[*]}; ulimit -n $FD_LIMIT; results in $RESULTS; logs in $work/logs"
for t in "${targets[@]}"; do
  "run_$t"
done
if [[ -n "$DOC" ]]; then
  python3 bench/report.py report "$RESULTS" >"$DOC"
  echo "==> Wrote $DOC"
fi
