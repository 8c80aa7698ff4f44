#!/usr/bin/env bash
# What ran for this folder (2026-12-02): the code this pass started from (0c348a3, at
# /work/base, a worktree) against the repository's own checkout at /work/main, then at
# 0c348a3 with the patch applied (the "main-*" results), each built with
# mvn -o -q -DskipTests package; the results were copied here. For the first call it had
# only experiment.patch's GrpcServerHost hunk (the handler-thread change); the rest of the
# patch (acks written on the handling thread) was applied and built before the other two.
# The rtt folders: WORKLOADS=" " AOT_CACHE=off bench/run.sh compare in each tree, BASE first.
set -e
export AOT_CACHE=off SEED_PEER=${SEED_PEER:-/work/shared/peers/socketio-seed}
"$(dirname "$0")/../../compare-trees.sh" /work/base /work/main /tmp/ab2 "2 1.5"
"$(dirname "$0")/../../compare-trees.sh" /work/base /work/main /tmp/ab3 "2 1.5"
"$(dirname "$0")/../../compare-trees.sh" /work/base /work/main /tmp/ab4 "10 2"
