#!/usr/bin/env bash
# Side-by-side benchmark of two trees of this repository, each built (mvn -o -q -DskipTests
# package): BASE_DIR, the code an issue started from (a `git worktree add`), and NEW_DIR, the
# new code. One ramp step each at a fixed offered load (1,000 clients, both protocols, 20 s
# warm-up, 10 s measured), for each workload "GROUP RATE", two rounds, alternating trees, so
# noise on the shared machine falls on both. Each run's results go to
# OUT_DIR/<base|main>-g<group>-r<rate>-round<n> (and .log); bench/compare-report.py prints them.
#
# Usage: bench/compare-trees.sh BASE_DIR NEW_DIR OUT_DIR [WORKLOAD...]   (default "10 0.5" "2 1.5")
set -u
base=$1 new=$2 outdir=$3
shift 3
workloads=("$@")
[[ ${#workloads[@]} -gt 0 ]] || workloads=("10 0.5" "2 1.5")
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
mkdir -p "$outdir"
for workload in "${workloads[@]}"; do
  set -- $workload
  for round in 1 2; do
    for tree in base main; do
      dir=$base; [[ $tree == main ]] && dir=$new
      out=$outdir/$tree-g$1-r$2-round$round
      echo "=== $(date +%T) $tree group=$1 rate=$2 round=$round -> $out"
      (cd "$dir" && DOC= RESULTS=$out RAMP_CONNECTIONS=1000 GROUP=$1 RAMP_RATE=$2 MAX_STEPS=1 STEP_DURATION=10 \
        STEP_SETTLE=2 RAMP_WARMUP=20 P99_BOUND=100000 RAMP_PROTOCOLS="native socketio" bench/run.sh ramp > "$out.log" 2>&1)
      echo "    rc=$?"
    done
  done
done
echo BENCH-DONE
