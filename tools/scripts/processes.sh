# The real system as separate processes on free loopback ports, for scripts that drive it
# (the Socket.IO suite, the benchmark). Sourced, not run. The caller sets $work to a
# directory with a logs/ folder; every process started here is stopped by stop_processes.

pids=()
declare -A pid_of
# Services read any setting from the environment (e.g. MAX_IDLE_TIME, JWT_ISSUER): each starts
# with a clean one plus what is passed here, so a developer's exports cannot change the run.
start_process() { # name [VAR=value...] command...
  local name=$1
  shift
  env -i PATH="$PATH" HOME="${HOME:-/tmp}" TMPDIR="${TMPDIR:-/tmp}" LANG="${LANG:-C.UTF-8}" \
    "$@" >"$work/logs/$name.log" 2>&1 &
  pids+=($!)
  pid_of[$name]=$!
}

await_ready() { # name url
  local name=$1 url=$2
  for _ in $(seq 300); do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then return 0; fi
    if ! kill -0 "${pid_of[$name]}" 2>/dev/null; then
      echo "error: $name exited during start-up; the end of its log:" >&2
      tail -n 30 "$work/logs/$name.log" >&2
      exit 1
    fi
    sleep 0.2
  done
  echo "error: $name was not ready within 60 s; the end of its log:" >&2
  tail -n 30 "$work/logs/$name.log" >&2
  exit 1
}

show_logs() {
  local log
  for log in "$work"/logs/*.log; do
    [[ -f "$log" ]] || continue
    echo "----- last lines of $(basename "$log") -----" >&2
    tail -n 25 "$log" >&2
  done
}

# Free loopback ports, all distinct: bound together (port 0) so none is handed out twice.
free_ports() { # count
  if command -v python3 >/dev/null 2>&1; then
    python3 -c '
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
' "$1"
  else
    local found=() port
    while [[ ${#found[@]} -lt $1 ]]; do
      port=$((20000 + RANDOM % 40000))
      [[ " ${found[*]} " == *" $port "* ]] && continue
      # A port nothing answers on is free (for our purposes).
      if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then found+=("$port"); fi
    done
    echo "${found[*]}"
  fi
}

# Stops every started process: TERM, and KILL for one still running STOP_GRACE (default 10)
# seconds later.
stop_processes() {
  if [[ ${#pids[@]} -gt 0 ]]; then
    kill "${pids[@]}" 2>/dev/null || true
    (
      trap 'kill "$nap" 2>/dev/null; exit 0' TERM
      sleep "${STOP_GRACE:-10}" & nap=$!
      wait "$nap"
      kill -KILL "${pids[@]}" 2>/dev/null
    ) &
    local watchdog=$!
    wait "${pids[@]}" 2>/dev/null || true
    kill "$watchdog" 2>/dev/null || true
    wait "$watchdog" 2>/dev/null || true
  fi
}
