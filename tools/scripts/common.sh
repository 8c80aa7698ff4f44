# Shared by run-local.sh and test-all.sh: the JDK and Redis this project needs.
# Sourced, not run.

# Helidon 4 needs Java 21+; this machine kind ships Temurin 25 beside the default Java 17.
use_jdk() {
  local jdk=/usr/lib/jvm/temurin-25-jdk-amd64
  if [ -z "${JAVA_HOME:-}" ] && [ -x "$jdk/bin/java" ]; then
    export JAVA_HOME="$jdk"
  fi
  if [ -n "${JAVA_HOME:-}" ]; then
    export PATH="$JAVA_HOME/bin:$PATH"
  fi
  local version
  version=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)
  if [ -z "$version" ] || [ "$version" -lt 21 ]; then
    echo "error: Java 21 or newer is needed (found: ${version:-none}). Set JAVA_HOME to a JDK 21+." >&2
    exit 1
  fi
  # JDK 23+ warns about Unsafe use inside protobuf and Guava; allow it quietly there.
  JAVA_MAJOR=$version
  JAVA_OPTS_DEFAULT=()
  if [ "$version" -ge 23 ]; then
    JAVA_OPTS_DEFAULT+=(--sun-misc-unsafe-memory-access=allow)
    # Maven's own Guava warns the same way at the start of every build: not the reader's concern.
    export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow"
  fi
  # The gateway's heap is mostly long-lived connection state: keep the committed heap close
  # to what is live (G1 would keep up to 70% free) and give memory back when connections go
  # (a periodic collection when idle). Measured in docs/BENCHMARKS.md (idle mode).
  GATEWAY_JAVA_OPTS=(-XX:MaxHeapFreeRatio=30 -XX:MinHeapFreeRatio=10 -XX:G1PeriodicGCInterval=15000)
  check_aot_setting
}

# The JVM flags of one service process run on this machine (run-local.sh, the Socket.IO suite,
# bench/run.sh): `java_opts_for <module>` fills JAVA_OPTS (JAVA_OPTS_DEFAULT included; call it
# after use_jdk). Without them each of the five JVMs sizes itself for the whole 24 GB machine
# (a 6 GB heap bound, G1 keeping much of it committed): 1.5-1.7 GB of RSS under load. Sized
# so that the whole system stays near 1 GB under the benchmark loads (docs/BENCHMARKS.md):
#   - compact object headers (a product option since JDK 25, JEP 519; experimental in 24): 8
#     bytes less per object, a smaller heap and less GC work;
#   - the domain services hold little live data (Redis has the state): the Serial collector
#     (no concurrent GC threads; young collections of a small heap take a few ms) and a heap
#     bounded at SERVICE_HEAP (default 128m; messaging MESSAGING_HEAP, default 192m);
#   - presence, call-signalling and notifications, off the per-message path, compile with C1
#     only (LIGHT_SERVICE_TIER=1; 4 = C2 too): with five JVMs on two cores C2 compiles for
#     minutes after a start (a third of the gateway's and messaging's CPU after a minute of
#     load, async-profiler); C1 only in all five took ~20 % off the system's RSS and ~8 %
#     off its CPU per delivery in a 10 s window, but the hot path keeps C2's faster code;
#   - the gateway keeps G1 (its live heap is connection state: 20 KB a connection, collected
#     concurrently) and GATEWAY_JAVA_OPTS, bounded at GATEWAY_HEAP (default 512m: ~10,000
#     idle connections with room to spare; bench/run.sh sizes it for bigger runs), and starts
#     at GATEWAY_MIN_HEAP (default 128m): with GATEWAY_JAVA_OPTS' tight free ratios a 64 MB
#     heap under 1,000 busy connections ran a concurrent mark every 2-3 s and a young
#     collection every second, 13 % of the gateway's CPU (async-profiler); 128 MB took about
#     a fifth off its CPU at chats of 10 x 0.5 msg/s for +50 MB of RSS (bench/summary.md).
#   - every JVM uses the JDK's platform-thread socket pollers (-Djdk.pollerMode=1, JDK 25's
#     sun.nio.ch.Poller; the Linux default, 2, runs the pollers as virtual threads woken by a
#     master poller thread): a virtual thread's socket read that must wait is then woken by
#     one poller thread instead of two hand-offs. 9-15 % less server CPU per delivery in 1:1
#     chats in 7 of 8 paired runs, the gateway and messaging-service both; chats of 10 x 0.5
#     and the idle ack round trip within the spread (bench/summary.md, issue 15, eighth
#     pass). An internal JDK property: measure again at a JDK upgrade. The images' entrypoint
#     carries it too (pom.xml jib jvmFlags), so every deployment has it.
# The deployment sizes the same way from its container limits (deploy/k8s JAVA_TOOL_OPTIONS).
java_opts_for() {
  JAVA_OPTS=("${JAVA_OPTS_DEFAULT[@]}")
  if [ "${JAVA_MAJOR:-0}" -ge 25 ]; then
    JAVA_OPTS+=(-XX:+UseCompactObjectHeaders)
  fi
  case "$1" in
    edge-gateway) JAVA_OPTS+=(-XX:+UseG1GC "-Xms$(gateway_min_heap)" "-Xmx${GATEWAY_HEAP:-512m}" "${GATEWAY_JAVA_OPTS[@]}") ;;
    messaging-service) JAVA_OPTS+=(-XX:+UseSerialGC -Xms32m "-Xmx${MESSAGING_HEAP:-192m}") ;;
    *) JAVA_OPTS+=(-XX:+UseSerialGC -Xms32m "-Xmx${SERVICE_HEAP:-128m}" "-XX:TieredStopAtLevel=${LIGHT_SERVICE_TIER:-1}") ;;
  esac
  JAVA_OPTS+=(-XX:ReservedCodeCacheSize=64m -XX:MaxDirectMemorySize=64m -XX:+ExitOnOutOfMemoryError -Djdk.pollerMode=1)
}

# GATEWAY_MIN_HEAP (default 128m), but never above GATEWAY_HEAP (a JVM refuses -Xms > -Xmx).
gateway_min_heap() {
  local min=${GATEWAY_MIN_HEAP:-128m} max=${GATEWAY_HEAP:-512m}
  if [ "$(heap_mb "$min")" -gt "$(heap_mb "$max")" ]; then echo "$max"; else echo "$min"; fi
}

# A heap size as -Xmx takes it (<n>, <n>k, <n>m, <n>g) -> MB (0 for what it cannot read).
heap_mb() {
  case "$1" in
    *[gG]) echo $((${1%?} * 1024)) ;;
    *[mM]) echo "${1%?}" ;;
    *[kK]) echo $((${1%?} / 1024)) ;;
    *[0-9]) echo $(($1 / 1048576)) ;;
    *) echo 0 ;;
  esac
}

# `service_command <module>` fills SERVICE_COMMAND with the command line that runs the module's
# jar (built by Maven into <module>/target) with java_opts_for's flags and its AOT cache, and
# records in AOT_STATE[<module>] what it did with the cache (used, stale, none, off, training).
#
# The AOT cache (JDK 25: JEP 483 classes loaded and linked ahead of time, JEP 515 method
# profiles, JEP 514 one-step training) is <module>/target/<module>.aot, written by a training
# run (`bench/run.sh train`: the system under the benchmark's load, every JVM with
# -XX:AOTCacheOutput, the caches written as each exits). With it a JVM starts with the
# training's classes and profiles: the first seconds under load are faster (bench/summary.md,
# issue 15). AOT_CACHE=off runs without (on, the default, uses a cache that is there).
# A cache older than its jar or any jar in target/libs (a build since the training) is left
# out, with a note: the JVM would refuse it anyway (it checks every jar's size and time), with
# an error-level log line that is no error. Only bench/run.sh train writes caches: it calls
# this with AOT_TRAINING=1.
declare -gA AOT_STATE=()
service_command() {
  java_opts_for "$1"
  local cache="$PWD/$1/target/$1.aot"
  check_aot_setting
  if [ "${JAVA_MAJOR:-0}" -lt 25 ]; then
    AOT_STATE[$1]="none (JDK $JAVA_MAJOR)"
  elif [ -n "${AOT_TRAINING:-}" ]; then
    rm -f "$cache"
    JAVA_OPTS+=("-XX:AOTCacheOutput=$cache")
    AOT_STATE[$1]=training
  elif [ "${AOT_CACHE:-on}" = off ]; then
    AOT_STATE[$1]=off
  elif [ ! -f "$cache" ]; then
    AOT_STATE[$1]=none
  elif [ -n "$(find "$1/target/$1.jar" "$1/target/libs" -newer "$cache" -print -quit 2>/dev/null)" ]; then
    echo "note: $1 starts without its AOT cache, which is older than its jars (run bench/run.sh train again)" >&2
    AOT_STATE[$1]=stale
  else
    JAVA_OPTS+=("-XX:AOTCache=$cache")
    AOT_STATE[$1]=used
  fi
  SERVICE_COMMAND=(java "${JAVA_OPTS[@]}" -jar "$1/target/$1.jar")
}

# Refuses (exit 1) an AOT_CACHE other than on or off, before anything starts.
check_aot_setting() {
  case "${AOT_CACHE:-on}" in
    on | off) ;;
    *) echo "error: AOT_CACHE is on or off, not '$AOT_CACHE' (bench/run.sh train writes the caches)" >&2; exit 1 ;;
  esac
}

# `aot_cache_state <module>...`: what the last service_command of each module did with its AOT
# cache, for benchmark results: "<module> <state>, ..." (states as in AOT_STATE; "not started"
# for a module service_command has not run for).
aot_cache_state() {
  local module out=
  for module in "$@"; do
    out+="${out:+, }$module ${AOT_STATE[$module]:-not started}"
  done
  echo "$out"
}

# Whether every command named is on PATH.
have_commands() {
  local command
  for command in "$@"; do
    command -v "$command" >/dev/null 2>&1 || return 1
  done
}

# Installs Debian's packages named, quietly, when we are root with apt-get; fails otherwise
# (the caller then says what to install).
apt_install_as_root() {
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || return 1
  echo "Installing Debian's $*..."
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Debian's redis-server (Redis 7) and redis-cli (redis-tools, which the test suite's local
# Redis Cluster is created with), installed when absent and we are root with apt-get.
ensure_redis_server() {
  have_commands redis-server redis-cli || apt_install_as_root redis-server redis-tools && return
  echo "error: redis-server or redis-cli is not installed. Install them (Debian/Ubuntu: sudo apt-get install -y redis-server redis-tools)" >&2
  echo "       or point REDIS_URL at a running Redis 7." >&2
  exit 1
}

# Debian's openssl, for tools/scripts/make-dev-certs.sh (and its test), when absent and we are
# root with apt-get; elsewhere that test is skipped.
ensure_openssl() {
  have_commands openssl || apt_install_as_root openssl && return
  echo "note: openssl is not installed: the make-dev-certs.sh test is skipped" >&2
}

# Debian's coturn (turnserver, turnutils_uclient), which the TURN credential tests run
# against, installed when absent and we are root with apt-get.
ensure_coturn() {
  have_commands turnserver turnutils_uclient || apt_install_as_root coturn && return
  echo "error: coturn is not installed (Debian/Ubuntu: sudo apt-get install -y coturn); the TURN tests need it" >&2
  exit 1
}

# Node.js 20+ with npm, for the Socket.IO suite: Debian's packages when absent and we are root.
ensure_node() {
  have_commands node npm || apt_install_as_root nodejs npm && return
  echo "error: Node.js 20+ with npm is needed for the Socket.IO suite (Debian: sudo apt-get install -y nodejs npm)" >&2
  exit 1
}

# kubectl with its built-in kustomize, for rendering deploy/k8s offline: Debian's
# kubernetes-client (kubectl 1.20, kustomize v2.0.3, which deploy/k8s is written for) when
# absent and we are root. Rendering needs no cluster.
ensure_kubectl() {
  { have_commands kubectl && kubectl kustomize --help >/dev/null 2>&1; } || apt_install_as_root kubernetes-client && return
  echo "error: kubectl is not installed (Debian/Ubuntu: sudo apt-get install -y kubernetes-client); the deploy checks render deploy/k8s with it" >&2
  exit 1
}

# A Debian package's files unpacked, not installed (nothing started, nothing put on PATH),
# for tools only the checks run: prints the root of its files. Kept under
# ${XDG_CACHE_HOME:-~/.cache}/sup-realtime/debs/<package> for the next run.
unpacked_deb() {
  local package=$1
  local dir="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/sup-realtime/debs/$package"
  if [ -d "$dir/root" ]; then
    echo "$dir/root"
    return
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: Debian's $package is needed (its files only); apt-get is not here to fetch it" >&2
    return 1
  fi
  mkdir -p "$dir"
  rm -rf "$dir"/*.deb "$dir/root.tmp"
  # apt-get download needs the package lists: fetch them once if it finds nothing (root only).
  if ! (cd "$dir" && apt-get download -qq "$package" >/dev/null 2>&1); then
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq >/dev/null
    fi
    (cd "$dir" && apt-get download -qq "$package" >/dev/null 2>&1) || {
      echo "error: could not download Debian's $package (apt-get download $package)" >&2
      return 1
    }
  fi
  dpkg-deb -x "$dir/$package"_*.deb "$dir/root.tmp"
  mv "$dir/root.tmp" "$dir/root"
  rm -f "$dir"/*.deb
  echo "$dir/root"
}

# Debian's mmdebstrap, umoci and skopeo, which build the local base image and read the images
# (tools/scripts/image-checks.sh), installed when absent and we are root with apt-get.
ensure_image_tools() {
  have_commands mmdebstrap umoci skopeo || apt_install_as_root mmdebstrap umoci skopeo && return
  echo "error: mmdebstrap, umoci and skopeo are needed for the image checks" >&2
  echo "       (Debian: sudo apt-get install -y mmdebstrap umoci skopeo)" >&2
  exit 1
}

# Whether a Redis answers PING at host $1 port $2.
redis_answers() {
  { exec 3<>"/dev/tcp/$1/$2"; } 2>/dev/null || return 1
  printf 'PING\r\n' >&3
  local reply
  read -r -t 2 reply <&3 || true
  exec 3>&- 3<&-
  [[ "$reply" == "+PONG"* ]]
}
