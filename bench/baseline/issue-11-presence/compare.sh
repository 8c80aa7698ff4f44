#!/usr/bin/env bash
# Side-by-side: the code this issue started from (c116925, /work/wt-base) and the new code
# (/work/main), one ramp step each at a fixed offered load, two rounds, alternating.
export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
for workload in "10 0.5" "2 1.5"; do
  set -- $workload
  for round in 1 2; do
    for tree in base main; do
      dir=/work/wt-$tree; [[ $tree == main ]] && dir=/work/main
      out=/tmp/bench-cmp11/$tree-g$1-r$2-round$round
      echo "=== $(date +%T) $tree group=$1 rate=$2 round=$round -> $out"
      (cd $dir && DOC= RESULTS=$out RAMP_CONNECTIONS=1000 GROUP=$1 RAMP_RATE=$2 MAX_STEPS=1 STEP_DURATION=10 \
        STEP_SETTLE=2 RAMP_WARMUP=20 P99_BOUND=100000 RAMP_PROTOCOLS="native socketio" bench/run.sh ramp > $out.log 2>&1)
      echo "    rc=$?"
    done
  done
done
echo BENCH-DONE
