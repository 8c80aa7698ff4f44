#!/usr/bin/env bash
# Builds nothing: run `mvn -o -q package` first. Starts the echo server, opens N idle
# WebSocket connections from a second JVM, takes a class histogram of the server while they
# are held, prints heap and RSS per connection, and stops the server it started.
#   N=5000 HOLD=20 READ_BUFFER=0 ./run.sh
# EXTRA_CP=dir puts classes ahead of Helidon's jars (to try a patched Helidon class); TAG names
# the run. Results go to target/run-<N>-rb<READ_BUFFER><TAG>/.
set -euo pipefail
cd "$(dirname "$0")"
N=${N:-5000}
HOLD=${HOLD:-20}
PORT=${PORT:-8099}
READ_BUFFER=${READ_BUFFER:-0}
# The gateway's own flags (tools/scripts/common.sh): compact headers, G1, heap kept near live.
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS:--XX:+UseCompactObjectHeaders -XX:+UseG1GC -Xms64m -Xmx512m -XX:MaxHeapFreeRatio=30 -XX:MinHeapFreeRatio=10}
CP="${EXTRA_CP:+$EXTRA_CP:}target/helidon-ws-memory-1.jar:target/libs/*"
OUT=target/run-$N-rb$READ_BUFFER${TAG:-}
mkdir -p "$OUT"

# shellcheck disable=SC2086
java $SERVER_JAVA_OPTS -Drepro.port="$PORT" -Drepro.readBuffer="$READ_BUFFER" -cp "$CP" repro.EchoServer \
    >"$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    grep -q "listening on port" "$OUT/server.log" 2>/dev/null && break
    sleep 0.2
done

jcmd "$SERVER" GC.class_histogram >"$OUT/class_histogram_before.txt"

java -Xmx1g -cp "$CP" repro.IdleClients "localhost:$PORT" "$N" "$HOLD" >"$OUT/client.log" 2>&1 &
CLIENT=$!
for _ in $(seq 1 600); do
    grep -q "holding" "$OUT/client.log" 2>/dev/null && break
    sleep 0.5
done
sleep 2
jcmd "$SERVER" GC.class_histogram >"$OUT/class_histogram.txt"
jcmd "$SERVER" Thread.dump_to_file -format=text "$PWD/$OUT/threads.txt" >/dev/null
wait "$CLIENT"
jcmd "$SERVER" GC.heap_info >"$OUT/heap_info.txt"
cat "$OUT/client.log"
echo "--- class histogram top 12 with $N connections held ($OUT/class_histogram.txt)"
head -n 15 "$OUT/class_histogram.txt"
echo "--- growth per connection (histogram with connections minus the one before, / $N), top 15"
awk -v n="$N" '
    FNR == NR { if ($1 ~ /^[0-9]+:$/) { bi[$4] = $2; bb[$4] = $3 }; next }
    $1 ~ /^[0-9]+:$/ { di = $2 - bi[$4]; db = $3 - bb[$4]; if (db > 0) printf "%10.2f %10.0f  %s\n", di / n, db / n, $4 }
' "$OUT/class_histogram_before.txt" "$OUT/class_histogram.txt" | sort -k2 -n -r | head -n 15 |
    (printf "%10s %10s  %s\n" "objects" "bytes" "class (per connection)"; cat)
echo "--- one connection's parked virtual thread ($OUT/threads.txt)"
awk '/WebServer socket/ { p = 1 } p { print } p && /^$/ { exit }' "$OUT/threads.txt"
