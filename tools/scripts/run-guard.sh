# run-local.sh's guard against a second run: is SUP realtime already running, do its ports
# answer, does a process of ours hold its port. Sourced, not run. Linux's /proc tells who
# holds a port; without it the checks that need it pass (the others still hold).

# Exit 3 with what runs and how to stop it when $1 (a pid file) names a live run-local.sh;
# $2 lists its processes ("name pid ports..." a line), $3 is the run directory as shown.
# A pid file left by a run that died without cleaning up (kill -9) is removed.
refuse_if_running() {
  local pid_file=$1 services_file=$2 shown=$3 pid since name spid ports
  [ -f "$pid_file" ] || return 0
  pid=$(head -n1 "$pid_file" 2>/dev/null | tr -dc '0-9')
  if [ -z "$pid" ] || ! process_alive "$pid" || ! is_run_local "$pid"; then
    rm -f "$pid_file"
    return 0
  fi
  since=$(date -r "$pid_file" '+%Y-%m-%d %H:%M:%S' 2>/dev/null || true)
  {
    echo "error: SUP realtime is already running from this checkout: tools/run-local.sh, pid $pid${since:+, since $since}."
    if [ -s "$services_file" ]; then
      while read -r name spid ports; do
        printf '  %-24s pid %-8s ports %s\n' "$name" "$spid" "${ports// /, }"
      done <"$services_file"
    fi
    echo "Stop it with Ctrl-C in its terminal, or: kill -INT $pid"
    echo "Its logs are in $shown/logs/. Nothing was started or changed."
  } >&2
  exit 3
}

# Exit 3 naming every "label=port" argument whose port answers on loopback (and who holds it).
refuse_if_ports_answer() {
  local entry busy=()
  for entry in "$@"; do
    if port_answers 127.0.0.1 "${entry##*=}"; then busy+=("$entry"); fi
  done
  [ ${#busy[@]} -eq 0 ] && return 0
  {
    echo "error: ports SUP realtime needs are in use: it may be running from another checkout, or another program holds them."
    for entry in "${busy[@]}"; do
      printf '  %-6s %-30s %s\n' "${entry##*=}" "${entry%=*}" "$(port_holder "${entry##*=}")"
    done
    echo "Stop what holds them (a tools/run-local.sh stops with Ctrl-C in its terminal), then start again."
    echo "Nothing was started or changed."
  } >&2
  exit 3
}

# Whether something accepts TCP connections at host $1 port $2.
port_answers() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

process_alive() {
  kill -0 "$1" 2>/dev/null || [ -d "/proc/$1" ]
}

# Whether pid $1 runs run-local.sh (a pid file's pid may have been reused since).
is_run_local() {
  [ -r "/proc/$1/cmdline" ] || return 0
  tr '\0' ' ' <"/proc/$1/cmdline" | grep -q 'run-local'
}

# The inodes of the TCP sockets listening on port $1 (IPv4 and IPv6), from /proc/net.
listen_inodes() {
  local hex
  printf -v hex '%04X' "$1"
  awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p { print $10 }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# Whether process $1 itself holds a socket listening on port $2 (true without /proc).
listens_on() {
  local pid=$1 port=$2 inode links
  [ -r /proc/net/tcp ] || return 0
  links=$(ls -l "/proc/$pid/fd" 2>/dev/null) || return 1
  for inode in $(listen_inodes "$port"); do
    [[ "$links" == *"socket:[$inode]"* ]] && return 0
  done
  return 1
}

# "held by pid N: command" for the process listening on port $1, when /proc tells.
port_holder() {
  local inode fd pid cmd
  [ -r /proc/net/tcp ] || return 0
  for inode in $(listen_inodes "$1"); do
    fd=$(find /proc/[0-9]*/fd -lname "socket:\[$inode\]" 2>/dev/null | head -n1)
    if [ -n "$fd" ]; then
      pid=${fd#/proc/}
      pid=${pid%%/*}
      cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
      # A java process by its jar, which names the service; anything else by its command line.
      [[ "$cmd" =~ -jar\ ([^ ]+) ]] && cmd="java -jar ${BASH_REMATCH[1]}"
      echo "held by pid $pid: ${cmd:0:80}"
      return 0
    fi
  done
}
