#!/usr/bin/env bash
# Builds every service's container image with Jib (jib:buildTar, no daemon, no registry) on
# the local base image from Debian packages (tools/scripts/build-base-image.sh), checks each
# image's entrypoint, user, ports, working directory, labels and layers against the shared
# contract, and runs one image (messaging-service) the way a container runtime would,
# without one: its filesystem unpacked by umoci, its entrypoint started in its own mount and
# PID namespaces under chroot as the image's user, until it serves /health/ready against a
# real Redis. Needs root (chroot, namespaces; the base image build). docs/ops-notes/images.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tools/scripts/common.sh
source tools/scripts/processes.sh
use_jdk
ensure_redis_server
ensure_image_tools
if [[ "$(id -u)" != 0 ]]; then
  echo "error: the image checks need root (the base image build, chroot and namespaces)" >&2
  exit 1
fi

# The contract (docs/DESIGN.md, README): what each image must say. Written here, not read from
# the poms, so a wrong pom fails the check.
modules=(edge-gateway messaging-service presence-service call-signaling-service notification-service)
declare -A main_class=(
  [edge-gateway]=io.sup.realtime.gateway.Main
  [messaging-service]=io.sup.realtime.messaging.Main
  [presence-service]=io.sup.realtime.presence.Main
  [call-signaling-service]=io.sup.realtime.calls.Main
  [notification-service]=io.sup.realtime.notification.Main
)
declare -A exposed=(
  [edge-gateway]="3001/tcp 7000/tcp 9091/tcp"
  [messaging-service]="7001/tcp 9101/tcp"
  [presence-service]="7002/tcp 9102/tcp"
  [call-signaling-service]="7003/tcp 9103/tcp"
  [notification-service]="7004/tcp 9104/tcp"
)
user=10001:10001

work=$(mktemp -d)
mkdir -p "$work/logs"
java_pid="" # the image's JVM: PID 1 of its own PID namespace, so its end ends the namespace
stop_java() { # SIGTERM, as a runtime stops a container, then SIGKILL 10 s later; fails
  # when there was no JVM to stop or it needed the SIGKILL
  [[ -n "$java_pid" ]] && kill -TERM "$java_pid" 2>/dev/null || return 1
  for _ in $(seq 50); do kill -0 "$java_pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$java_pid" 2>/dev/null || true
  return 1
}
cleanup() {
  # unshare ignores SIGTERM while it waits, and its --kill-child does not reach the JVM (the
  # parent-death signal is cleared when chroot changes the user): stop the JVM itself first.
  stop_java || true
  stop_processes
  # The mounts live in the image run's own mount namespace; --one-file-system all the same.
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

passed=0
failed=0
check() { # description command...: one named check, counted
  local what=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAILED: $what" >&2
  fi
}
jq_true() { # file jq-expression [jq args...]: whether the expression is true for the file
  local file=$1 expr=$2
  shift 2
  [[ "$(jq -r "$@" "$expr" "$file")" == true ]]
}

echo "==> Local base image from Debian packages (mmdebstrap, umoci, skopeo; cached)"
base=$(tools/scripts/build-base-image.sh)

revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)
# IMAGE_CHECKS_REUSE=1: check the images the last run built (when working on this script;
# they may be of an older commit, so any revision label passes).
if [[ "${IMAGE_CHECKS_REUSE:-}" == 1 ]]; then
  revision=""
else
  echo "==> jib:buildTar of the five services on tar://$(basename "$base")"
  if ! mvn -B -ntp -Dstyle.color=never -Djib.console=plain -DskipTests package jib:buildTar \
    -pl "$(IFS=,; echo "${modules[*]}")" -am -Dimage.base="tar://$base" -Dimage.revision="$revision" \
    >"$work/logs/mvn.log" 2>&1; then
    echo "error: jib:buildTar failed; the end of Maven's output:" >&2
    tail -n 40 "$work/logs/mvn.log" >&2
    exit 1
  fi
fi

# One image tar's blob by digest (sha256:...), to stdout.
blob() { tar -xOf "$1" "blobs/sha256/${2#sha256:}"; }
# File names in a gzipped layer.
layer_files() { blob "$1" "$2" | tar --warning=no-unknown-keyword -tz; }

echo "==> Each image's configuration and layers"
for module in "${modules[@]}"; do
  tar_file=$module/target/jib-image.tar
  if [[ ! -s "$tar_file" ]]; then
    check "$module: jib:buildTar wrote $tar_file" false
    continue
  fi
  d=$work/$module
  mkdir -p "$d"
  skopeo inspect --config "oci-archive:$tar_file" >"$d/config.json"
  blob "$tar_file" "$(tar -xOf "$tar_file" index.json | jq -r '.manifests[0].digest')" >"$d/manifest.json"
  cfg=$d/config.json
  main=${main_class[$module]}

  check "$module: the image is named sup/$module:<version>" \
    [ "$(tar -xOf "$tar_file" index.json | jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]')" \
      == "sup/$module:$(jq -r '.config.Labels["org.opencontainers.image.version"]' "$cfg")" ]
  check "$module: the entrypoint is java ... -cp @/app/jib-classpath-file $main" \
    jq_true "$cfg" '.config.Entrypoint as $e | $e[0] == "java" and $e[-1] == $main
      and ($e | index(["-cp", "@/app/jib-classpath-file"])) != null' --arg main "$main"
  check "$module: the entrypoint allows Unsafe and native access (tools/scripts/common.sh)" \
    jq_true "$cfg" '.config.Entrypoint | index("--sun-misc-unsafe-memory-access=allow") != null
      and index("--enable-native-access=ALL-UNNAMED") != null'
  check "$module: the entrypoint uses compact object headers (tools/scripts/common.sh java_opts_for)" \
    jq_true "$cfg" '.config.Entrypoint | index("-XX:+UseCompactObjectHeaders") != null'
  check "$module: the entrypoint uses the JDK's platform-thread socket pollers (tools/scripts/common.sh java_opts_for)" \
    jq_true "$cfg" '.config.Entrypoint | index("-Djdk.pollerMode=1") != null'
  check "$module: the entrypoint fixes no heap size (JAVA_TOOL_OPTIONS does, and the deployment's replaces it)" \
    jq_true "$cfg" '[.config.Entrypoint[] | select(test("^-X(mx|ms)|RAMPercentage"))] == []'
  check "$module: JAVA_TOOL_OPTIONS sizes the heap from the container's memory" \
    jq_true "$cfg" '[.config.Env[] | select(startswith("JAVA_TOOL_OPTIONS=") and contains("-XX:MaxRAMPercentage="))] | length == 1'
  if [[ $module == edge-gateway ]]; then
    check "$module: JAVA_TOOL_OPTIONS has GATEWAY_JAVA_OPTS' heap-return flags" \
      jq_true "$cfg" '[.config.Env[] | select(startswith("JAVA_TOOL_OPTIONS=")) | select(contains("-XX:MaxHeapFreeRatio=30")
        and contains("-XX:MinHeapFreeRatio=10") and contains("-XX:G1PeriodicGCInterval=15000"))] | length == 1'
  fi
  check "$module: runs as $user" jq_true "$cfg" '.config.User == $u' --arg u "$user"
  check "$module: exposes ${exposed[$module]}" \
    jq_true "$cfg" '(.config.ExposedPorts // {} | keys | sort) == ($p | split(" ") | sort)' --arg p "${exposed[$module]}"
  check "$module: works in /app" jq_true "$cfg" '.config.WorkingDir == "/app"'
  check "$module: OCI labels title, version, revision, created" \
    jq_true "$cfg" '.config.Labels as $l | $l["org.opencontainers.image.title"] == $m
      and ($l["org.opencontainers.image.version"] | length > 0)
      and ($l["org.opencontainers.image.revision"] | length > 0)
      and ($r == "" or $l["org.opencontainers.image.revision"] == $r)
      and $l["org.opencontainers.image.created"] == .created' --arg m "$module" --arg r "$revision"
  check "$module: a fixed creation time, not the build's clock" jq_true "$cfg" '.created == "2026-01-01T00:00:00Z"'

  # Layers, in order, with what Jib says each is (history entries that made a layer).
  mapfile -t names < <(jq -r '.history[] | select(.empty_layer != true) | .comment // .created_by' "$cfg")
  mapfile -t digests < <(jq -r '.layers[].digest' "$d/manifest.json")
  declare -A layer_of=()
  for i in "${!names[@]}"; do layer_of[${names[$i]}]=${digests[$i]:-}; done
  check "$module: one layer per history entry" [ "${#names[@]}" == "${#digests[@]}" ]
  check "$module: layers base, dependencies, project dependencies, resources, classes, jvm arg files in that order" \
    [ "$(printf '%s|' "${names[@]:1}")" == "dependencies|project dependencies|resources|classes|jvm arg files|" ]
  main_path=app/classes/${main//.//}.class
  check "$module: the dependencies layer holds third-party jars only" \
    bash -c '[[ -n "$2" ]] && files=$(tar -xOf "$1" "blobs/sha256/${2#sha256:}" | tar --warning=no-unknown-keyword -tz) &&
      grep -q "^app/libs/helidon-.*\.jar$" <<<"$files" && ! grep -qE "^app/(classes|resources)/|sup-" <<<"$files"' \
      _ "$tar_file" "${layer_of[dependencies]:-}"
  check "$module: the project dependencies layer holds sup-platform and sup-proto" \
    bash -c '[[ -n "$2" ]] && files=$(tar -xOf "$1" "blobs/sha256/${2#sha256:}" | tar --warning=no-unknown-keyword -tz) &&
      grep -q "^app/libs/sup-platform-.*\.jar$" <<<"$files" && grep -q "^app/libs/sup-proto-.*\.jar$" <<<"$files"' \
      _ "$tar_file" "${layer_of[project dependencies]:-}"
  check "$module: the classes layer holds $main_path and no jar" \
    bash -c '[[ -n "$2" ]] && files=$(tar -xOf "$1" "blobs/sha256/${2#sha256:}" | tar --warning=no-unknown-keyword -tz) &&
      grep -qx "$3" <<<"$files" && ! grep -q "\.jar$" <<<"$files"' \
      _ "$tar_file" "${layer_of[classes]:-}" "$main_path"
  check "$module: the resources layer holds $module.yaml and logging.properties" \
    bash -c '[[ -n "$2" ]] && files=$(tar -xOf "$1" "blobs/sha256/${2#sha256:}" | tar --warning=no-unknown-keyword -tz) &&
      grep -qx "app/resources/$3.yaml" <<<"$files" && grep -qx "app/resources/logging.properties" <<<"$files"' \
      _ "$tar_file" "${layer_of[resources]:-}" "$module"
  unset layer_of
done

echo "==> messaging-service's image, unpacked and run without a container engine"
read -r redis_port grpc_port observe_port <<<"$(free_ports 3)"
mkdir -p "$work/redis"
start_process redis redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no --dir "$work/redis"
skopeo copy --quiet oci-archive:messaging-service/target/jib-image.tar "oci:$work/oci:messaging-service"
umoci unpack --image "$work/oci:messaging-service" "$work/bundle" >/dev/null
rootfs=$work/bundle/rootfs
runtime=$work/bundle/config.json # umoci's OCI runtime spec: the process a runtime would start
check "the image's passwd names uid 10001 (the JVM's user.name, a shell's id)" \
  grep -q '^[^:]*:x:10001:10001:' "$rootfs/etc/passwd"
check "the runtime spec runs as uid 10001, gid 10001, in /app" \
  jq_true "$runtime" '.process.user.uid == 10001 and .process.user.gid == 10001 and .process.cwd == "/app"'

# What a runtime does before it starts the process: new mount and PID namespaces (the mounts
# vanish with them), the root filesystem as a mount of its own (Java's FileStore, which the
# disk-space health check reads, looks the root up in /proc/mounts) and read-only, as the
# Kubernetes manifests run it (readOnlyRootFilesystem), /proc (the dynamic loader finds
# libjli.so through /proc/self/exe), /dev, a fresh writable /tmp (the pods' emptyDir), the
# host's /etc/hosts; then chroot as the spec's user, in its working directory, with only its
# environment plus the given variables. Call it in a subshell: it becomes unshare (exec),
# whose one child is the image's process.
in_image() { # VAR=value... -- command... ; "--image-entrypoint" as the command: the spec's args
  local vars=() args=()
  while [[ $1 != -- ]]; do vars+=("$1"); shift; done
  shift
  if [[ "$1" == --image-entrypoint ]]; then mapfile -t args < <(jq -r '.process.args[]' "$runtime"); else args=("$@"); fi
  mapfile -t image_env < <(jq -r '.process.env[]' "$runtime")
  touch "$rootfs/etc/hosts"
  mkdir -p "$rootfs/dev" "$rootfs/proc"
  exec unshare --mount --pid --fork --kill-child=SIGTERM -- /bin/sh -c '
    r=$1 user=$2 cwd=$3
    shift 3
    mount --bind "$r" "$r" && mount -o remount,bind,ro "$r" &&
      mount -t proc proc "$r/proc" && mount --rbind /dev "$r/dev" &&
      mount -t tmpfs -o mode=1777 tmpfs "$r/tmp" && mount --bind /etc/hosts "$r/etc/hosts" || exit 125
    exec chroot --userspec="$user" "$r" /usr/bin/env -i -C "$cwd" "$@"' sh \
    "$rootfs" "$(jq -r '"\(.process.user.uid):\(.process.user.gid)"' "$runtime")" \
    "$(jq -r .process.cwd "$runtime")" "${image_env[@]}" "${vars[@]}" "${args[@]}"
}

version_out=$(in_image -- java -version 2>&1) || true
if ! grep -q 'version "25' <<<"$version_out"; then echo "$version_out" >&2; fi
check "the image's own java runs (java -version: Java 25)" grep -q 'version "25' <<<"$version_out"
root_mount=$(in_image -- /usr/bin/grep -E '^[^ ]+ / ' /proc/mounts 2>&1) || true
check "the root filesystem is mounted read-only in there (as in the pods)" \
  grep -qE '^[^ ]+ / [^ ]+ ro[, ]' <<<"$root_mount"

# The entrypoint itself, against the Redis above, on free ports.
in_image GRPC_PORT="$grpc_port" OBSERVE_PORT="$observe_port" REDIS_URL="redis://127.0.0.1:$redis_port" \
  -- --image-entrypoint >"$work/logs/messaging-image.log" 2>&1 &
pids+=($!)
pid_of[messaging-image]=$!
# The background shell becomes unshare (exec) once it has read the spec; unshare's child
# becomes java (sh, chroot and env exec in turn).
for _ in $(seq 150); do
  java_pid=$(pgrep -x -P "${pid_of[messaging-image]}" java | head -n1 || true)
  [[ -n "$java_pid" ]] && break
  kill -0 "${pid_of[messaging-image]}" 2>/dev/null || break
  sleep 0.2
done
ready=false
for _ in $(seq 300); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$observe_port/health/ready" 2>/dev/null; then ready=true; break; fi
  kill -0 "${pid_of[messaging-image]}" 2>/dev/null || break
  sleep 0.2
done
check "messaging-service from its image serves /health/ready with Redis" $ready
check "messaging-service from its image listens for gRPC on $grpc_port" \
  bash -c '{ exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null' _ "$grpc_port"
check "its JVM is the image's java, as uid 10001" \
  bash -c '[[ -n "$1" ]] && [[ "$(readlink "/proc/$1/exe")" == "$2"/* ]] &&
    [[ "$(awk "/^Uid:/ {print \$2}" "/proc/$1/status")" == 10001 ]]' _ "$java_pid" "$rootfs"
check "its JVM picked up the image's JAVA_TOOL_OPTIONS" \
  grep -q 'Picked up JAVA_TOOL_OPTIONS: .*MaxRAMPercentage' "$work/logs/messaging-image.log"
check "its JVM (PID 1 in its namespace, as in a pod) stops on SIGTERM within 10 s" stop_java
if [[ $failed != 0 ]]; then show_logs; fi

echo "Image checks took $SECONDS s."
echo "images: $passed passed, $failed failed"
[[ $failed == 0 ]]
