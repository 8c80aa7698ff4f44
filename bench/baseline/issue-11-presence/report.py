import json,glob,os
rows=[]
for d in sorted(glob.glob('bench/baseline/issue-11-presence/*-round?')):
    label=d.split('/')[3]
    for f in sorted(glob.glob(d+'/**/*.json', recursive=True)):
        name=os.path.basename(f)[:-5]
        if name=='meta' or 'warmup' in name: continue
        j=json.load(open(f)); s=j['steps'][0]
        cores=sum(s['serverCores'].values())
        dps=s['deliveredPerSec']
        cpu=cores*1e6/dps if dps else float('nan')
        print(f"{label:28s} {name:14s} offered {s['offeredPerSec']:7.0f} msg/s delivered {dps:8.0f}/s p50 {s['deliveryMs']['p50']:8.1f} p99 {s['deliveryMs']['p99']:8.1f} ms lost {s['deliveriesLost']:6d} ackFail {s['ackFailed']:4d} cores {cores:.2f} cpu/1000 {cpu:6.1f} ms  {s['serverCores']}")
