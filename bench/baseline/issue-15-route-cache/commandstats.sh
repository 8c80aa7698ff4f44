#!/usr/bin/env bash
# cstat.sh TREE OUT: load chats of 10 x 2; 10 s of Redis INFO commandstats 60 s after start -> OUT
tree=$1 out=$2
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 PATH=/usr/lib/jvm/temurin-25-jdk-amd64/bin:$PATH
(cd $tree && DOC= RESULTS=/tmp/load-cstat CONNECTIONS=1000 GROUP=${GROUP:-10} RATE=${RATE:-2} DURATION=40 WARMUP=5 AOT_CACHE=off SEED_PEER=/work/shared/peers/socketio-seed bench/run.sh load > /tmp/load-cstat.log 2>&1) &
lp=$!
until grep -q "load: ours-native" /tmp/load-cstat.log 2>/dev/null; do sleep 1; done
sleep 15
port=$(pgrep -a redis-server | grep -o '127.0.0.1:[0-9]*' | head -1 | cut -d: -f2)
redis-cli -p $port config resetstat >/dev/null; sleep 10
redis-cli -p $port info commandstats > $out
sleep 25; cp /tmp/load-cstat.log $out.log
kill -- -$lp 2>/dev/null; pkill -f bench/run.sh; sleep 1
pkill -f 'io.sup.realtime' ; pkill -f socketio-seed; pkill -f 'bench/node'; sleep 3
pkill -9 -f 'io.sup.realtime'; pkill redis-server
echo CSTAT-DONE
