#!/usr/bin/env bash
# What ran for this folder (2026-12-02): the code this pass started from (0c348a3, at
# /work/base) against it with experiment.patch applied (/work/main); the results were copied
# here. g2-r1.5: the handler-thread change alone; the two *-inline-acks runs: both changes.
# The rtt folders: WORKLOADS=" " AOT_CACHE=off bench/run.sh compare in each tree, one after the other.
set -e
export AOT_CACHE=off SEED_PEER=${SEED_PEER:-/work/shared/peers/socketio-seed}
"$(dirname "$0")/../../compare-trees.sh" /work/base /work/main /tmp/ab2 "2 1.5"
"$(dirname "$0")/../../compare-trees.sh" /work/base /work/main /tmp/ab3 "2 1.5"
"$(dirname "$0")/../../compare-trees.sh" /work/base /work/main /tmp/ab4 "10 2"
