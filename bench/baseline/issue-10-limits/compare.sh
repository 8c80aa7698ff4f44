#!/usr/bin/env bash
# What ran for this folder: the code this issue started from (a1b9793, checked out at
# /work/wt-base) against the new code (/work/main); the results were copied here.
exec "$(dirname "$0")/../../compare-trees.sh" /work/wt-base /work/main /tmp/bench-cmp
