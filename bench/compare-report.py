"""Prints the figures of a bench/compare-trees.sh run: one line per tree, workload, round and
protocol, with delivery p50/p99 and server CPU per 1,000 deliveries (every server process,
Redis included), then that CPU per process by name (gateway, messaging-service, redis, ...;
processes under 0.01 cores left out, and each recorded to 0.01 cores), which says where a
change moved the cost. Usage: python3 bench/compare-report.py DIR (the OUT_DIR, or a copy of it)."""
import glob
import json
import os
import sys

for d in sorted(glob.glob(os.path.join(sys.argv[1], '*-round?'))):
    label = os.path.basename(d)
    for f in sorted(glob.glob(d + '/**/*.json', recursive=True)):
        name = os.path.basename(f)[:-5]
        if name == 'meta' or 'warmup' in name:
            continue
        result = json.load(open(f))
        s = result['steps'][0]
        names = result.get('serverNames', {})
        cores = sum(s['serverCores'].values())
        dps = s['deliveredPerSec']
        cpu = cores * 1e6 / dps if dps else float('nan')
        per_process = ' '.join(f"{names.get(pid, pid)} {c * 1e6 / dps:.1f}" for pid, c in s['serverCores'].items()
                               if c >= 0.01 and dps)
        print(f"{label:28s} {name:14s} offered {s['offeredPerSec']:7.0f} msg/s delivered {dps:8.0f}/s "
              f"p50 {s['deliveryMs']['p50']:8.1f} p99 {s['deliveryMs']['p99']:8.1f} ms lost {s['deliveriesLost']:6d} "
              f"ackFail {s['ackFailed']:4d} cores {cores:.2f} cpu/1000 {cpu:6.1f} ms ({per_process})")
