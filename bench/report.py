"""docs/BENCHMARKS.md from the generator's JSON reports under bench/results/<mode>/ (stdout).

  report.py report <results dir>                 the whole document, one section per mode found
  report.py meta <mode dir> <command> [k=v ...]  writes <mode dir>/meta.json (command, date, machine)
  report.py summary <report.json>                one line about one run, for the console

bench/run.sh replaces bench/results/<mode>/ for each mode it runs and keeps the others, so
the document always shows the newest run of every mode, each with its own command and date.
"""
import datetime
import glob
import json
import os
import platform
import subprocess
import sys

# Targets (from the benchmark issue; change them here).
IDLE_RSS_RATIO = 0.5       # this system's RSS per idle connection <= half the peer's
RAMP_RATIO = 2.0           # sustained deliveries/s at p99 <= 50 ms: at least twice the peer's
BIG_CONNECTIONS = 50000    # idle connections on one gateway, heartbeats flowing, no errors

SYSTEMS = {
    "ours-native": "this system, native",
    "ours-socketio": "this system, Socket.IO",
    "peer-socketio": "seed peer, Socket.IO",
}


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip() or "?"
    except OSError:
        return "?"


def machine():
    memory = sh("free -g | awk '/Mem:/{print $2}'")
    java = sh("java -version 2>&1 | head -n1")
    node = sh("node --version")
    load = sh("cut -d' ' -f1-3 /proc/loadavg")
    return (f"{os.cpu_count()} cores, {memory} GB, {platform.system()} {platform.release()}; {java}; Node {node}; "
            f"load average {load} at the end of the run. The load generator runs on the same machine.")


def load_json(path):
    with open(path) as f:
        return json.load(f)


def fmt(v, digits=1):
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def ms4(d):
    d = d or {}
    return " / ".join(fmt(d.get(k), 1) for k in ("p50", "p90", "p99", "max"))


def ms2(d):
    d = d or {}
    return f"{fmt(d.get('p50'), 1)} / {fmt(d.get('p99'), 1)}"


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out


def system_table(rows, keys, reports):
    """One row per (name, value-of-report) and one column per system; '-' where a value is missing."""
    body = []
    for name, value in rows:
        cells = []
        for k in keys:
            try:
                cells.append(str(value(reports[k])))
            except (KeyError, TypeError, ZeroDivisionError):
                cells.append("-")
        body.append([name] + cells)
    return table([""] + [SYSTEMS[k] for k in keys], body)


def verdict(met, gap):
    return f"**met** ({gap})" if met else f"**not met** ({gap})"


BACKLOG_LATE_PCT = 5.0


def backlogged(report):
    """Whether a run fell behind its offered load: more than BACKLOG_LATE_PCT % of its measured
    deliveries late (> 1 s), or any lost. Its CPU per 1,000 deliveries then counts work for
    deliveries outside the window (a backlog), so it is no cost per delivery."""
    late = late_pct(report)
    return (late is not None and late > BACKLOG_LATE_PCT) or (report.get("deliveriesLost") or 0) > 0


def cpu_per_1000(report):
    """Server CPU per 1,000 deliveries (ms): CPU seconds of every server process (Redis included)
    in the measured window * 1e6 / the deliveries received in it. None where the report has no CPU."""
    if report.get("cpuMsPer1000Deliveries") is not None:
        return report["cpuMsPer1000Deliveries"]
    cpu = report.get("serverCpuSeconds")
    n = report.get("deliveriesInWindow")
    if cpu and n:
        return sum(v for v in cpu.values() if v > 0) * 1e6 / n
    cores = report.get("serverCores")  # a ramp step: cores over its window, deliveries per second
    dps = report.get("deliveredPerSec")
    if isinstance(cores, dict) and cores and dps:
        return sum(v for v in cores.values() if v > 0) * 1e6 / dps
    return None


def late_pct(report):
    """Measured deliveries later than lateBoundMs (1 s), as % of those received."""
    late = report.get("deliveriesLate")
    n = (report.get("deliveryMs") or {}).get("count")
    if late is None or not n:
        return None
    return 100.0 * late / n


def rss_peak_mb(report):
    v = (report.get("rssPeakKb") or {}).get("total")
    return v / 1024 if v is not None and v > 0 else None


def pid_of(report, name):
    for pid, n in (report.get("serverNames") or {}).items():
        if n == name:
            return pid
    return None


def kb_of(report, field, name):
    """The value of field (a pid -> KB map) for the process called name, or the total."""
    values = report.get(field) or {}
    if name == "total":
        return values.get("total")
    pid = pid_of(report, name)
    return values.get(pid) if pid else None


def header(meta):
    out = [f"Produced by `{meta.get('command', '?')}` on {meta.get('date', '?')}.", "",
           f"Machine: {meta.get('machine', '?')}"]
    settings = meta.get("settings") or {}
    if settings:
        out += ["", "Settings: " + "; ".join(f"{k}: {v}" for k, v in settings.items()) + "."]
    for note in meta.get("notes") or []:
        out += ["", f"Note: {note}"]
    return out + [""]


# ---------------------------------------------------------------- sections

def section_load(d, meta, reports):
    rows = [
        ("connections ok / failed", lambda r: f"{r['connectionsOk']} / {r['connectionsFailed']}"),
        ("connect rate (/s)", lambda r: r["connectRatePerSec"]),
        ("messages sent / acked", lambda r: f"{r['sent']} / {r['acked']}"),
        ("ack p50 / p99 (ms)", lambda r: f"{r['ackMs']['p50']} / {r['ackMs']['p99']}"),
        ("deliveries expected / lost", lambda r: f"{r['deliveriesExpected']} / {r['deliveriesLost']}"),
        ("delivered / s", lambda r: r["deliveredPerSec"]),
        ("delivery p50 / p90 / p99 / max (ms)",
         lambda r: f"{r['deliveryMs']['p50']} / {r['deliveryMs']['p90']} / {r['deliveryMs']['p99']} / {r['deliveryMs']['max']}"),
        ("server RSS at end (MB, all processes)",
         lambda r: round(sum(v for v in r["rssEndKb"].values() if v > 0) / 1024) if r.get("rssEndKb") else "-"),
        ("server RSS peak in the measured window (MB, all processes)", lambda r: fmt(rss_peak_mb(r), 0)),
        ("server CPU per 1,000 deliveries (ms, all processes incl. Redis)", lambda r: fmt(cpu_per_1000(r), 1)),
        ("server CPU per 1,000 deliveries: ratio to the peer",
         lambda r: f"{cpu_per_1000(r) / cpu_per_1000(reports['peer-socketio']):.2f}"),
    ]
    keys = [k for k in SYSTEMS if k in reports]
    out = ["## Load: a fixed rate", ""] + header(meta)
    w = reports[keys[0]]
    out += [f"Workload: {w['connections']} connections, chats of {w['group']}, {w['rate']} msg/s per client, "
            f"{w['warmup']} s warm-up, {w['duration']} s measured. Each system first gets one unmeasured run "
            "of the same workload (JIT warm-up).", ""]
    out += system_table(rows, keys, reports)
    out += ["", "What differs: this system stores every message in a durable Redis stream and makes a "
                "gRPC hop per event, and checks membership; the peer checks a Redis rate limit per "
                "message and writes presence on connect, and delivers to a room without any check.", ""]
    return out


def section_ramp(d, meta, reports):
    keys = [k for k in SYSTEMS if k in reports]
    if not keys:
        return []
    w = reports[keys[0]]
    bound = w.get("p99BoundMs", 50)
    how = f"x{w['rampFactor']}" if w.get("rampFactor") else f"+{w.get('rampStep')} msg/s"
    out = [f"## Ramp: sustained deliveries/s at delivery p99 <= {fmt(bound, 0)} ms", ""] + header(meta)
    out += [f"Workload: {w['connections']} connections kept open, chats of {w['group']}; the rate per client starts "
            f"at {w['rate']} msg/s and goes {how} per step. Each step sends {w['stepSettle']} s unmeasured at its "
            f"new rate, then {w['stepDuration']} s measured with fresh counters (its own runId: late deliveries of "
            f"a step never count in the next), then waits for late acks and deliveries. The ramp stops at the "
            f"first step with delivery p99 > {fmt(bound, 0)} ms, a lost delivery, a failed or missing ack, or an "
            "error.", ""]
    summary = []
    for k in keys:
        r = reports[k]
        out += [f"### {SYSTEMS[k]}", ""]
        rows = []
        for s in r.get("steps", []):
            cores = s.get("serverCores") or {}
            names = r.get("serverNames") or {}
            server = ", ".join(f"{names.get(pid, pid)} {c}" for pid, c in cores.items())
            rows.append([s["step"], s["ratePerClient"], fmt(s["offeredPerSec"], 0), fmt(s["sentPerSec"], 0),
                         fmt(s["deliveredPerSec"], 0), ms2(s["ackMs"]), ms4(s["deliveryMs"]), s["deliveriesLost"],
                         f"{server}; generator {s.get('generatorCores')}", fmt(cpu_per_1000(s), 1),
                         "pass" if s["pass"] else "FAIL: " + s.get("failReason", "")])
        out += table(["step", "msg/s per client", "offered msg/s", "sent msg/s", "delivered/s", "ack p50 / p99 (ms)",
                      "delivery p50 / p90 / p99 / max (ms)", "lost", "CPU (cores)",
                      "server CPU per 1,000 deliveries (ms)", "result"], rows)
        best = r.get("best")
        out += ["", f"Stopped: {r.get('stopReason')}. " + (
            f"Best passing step: {best['step']} at {best['ratePerClient']} msg/s per client, "
            f"**{fmt(best['deliveredPerSec'], 0)} deliveries/s** at delivery p99 {best['deliveryMs']['p99']} ms."
            if best else "No step passed."), ""]
        summary.append((k, best["deliveredPerSec"] if best else 0.0, best))
    peer = next((v for k, v, _ in summary if k == "peer-socketio"), None)
    rows = []
    for k, v, best in summary:
        ratio = f"{v / peer:.2f}" if peer else "-"
        target = "-"
        if k != "peer-socketio" and peer:
            goal = RAMP_RATIO * peer
            target = verdict(v >= goal, f"{fmt(v, 0)} vs the target {fmt(goal, 0)}: "
                                        f"{'+' if v >= goal else ''}{fmt(v - goal, 0)} deliveries/s")
        rows.append([SYSTEMS[k], fmt(v, 0), best["ratePerClient"] if best else "-", ratio, target])
    out += [f"### Sustained deliveries/s at p99 <= {fmt(bound, 0)} ms", ""]
    out += table(["system", "deliveries/s", "at msg/s per client", "ratio to the peer",
                  f"target: at least {RAMP_RATIO:g} x the peer"], rows)
    return out + [""]


def idle_rows(reports, keys):
    def server(r):
        return "gateway" if pid_of(r, "gateway") else "peer"

    def rss_mb(r, field):
        v = kb_of(r, field, server(r))
        return fmt(v / 1024, 0) if v is not None and v >= 0 else "-"

    def open_when_measured(r):
        if "openWhenMeasured" in r:
            return r["openWhenMeasured"]
        return r.get("stillOpen", 0) + r.get("closedDuringHold", 0)  # older reports: open at the start of the hold

    def per_conn(field, name_of):
        def cell(r):
            v = fmt(kb_of(r, field, name_of(r)), 1)
            n = open_when_measured(r)
            return v if n >= r["connectionsOk"] else f"{v} (void: {fmt(n)} open when read)"
        return cell

    def errs(r):
        return (f"{r.get('errorEvents', 0)} / {r.get('protocolErrors', 0)} / {r.get('unexpectedCloses', 0)} / "
                f"{r.get('closedDuringHold', 0)}")

    rows = [
        ("connections ok / failed", lambda r: f"{fmt(r['connectionsOk'])} / {fmt(r['connectionsFailed'])}"),
        ("connect failures", lambda r: "; ".join(f"{k}: {v}" for k, v in (r.get("connectFailures") or {}).items()) or "-"),
        ("connect rate (/s)", lambda r: fmt(r["connectRatePerSec"], 0)),
        ("server CPU while connecting and joining (s, by process)",
         lambda r: ", ".join(f"{k} {fmt(v, 2)}" for k, v in (r.get("connectPhaseServerCpuSeconds") or {}).items()) or "-"),
        ("chat:join failed", lambda r: r.get("joinFailed", "-")),
        ("chat:join error", lambda r: r.get("joinError") or "-"),
        ("closed before the hold (unexpected closes while connecting and joining)",
         lambda r: fmt((r.get("connectPhaseErrors") or {}).get("unexpectedCloses", 0))),
        ("open when memory was read", lambda r: fmt(open_when_measured(r))),
        ("held (s) / still open", lambda r: f"{fmt(r.get('holdSeconds'), 0)} / {fmt(r.get('stillOpen'))}"),
        ("heartbeats: pings received / connections pinged",
         lambda r: f"{fmt(r.get('pingsReceived'))} / {fmt(r.get('connectionsPinged'))}"),
        ("errors / protocol errors / unexpected closes / closed in hold (all must be 0)", errs),
        ("server process RSS before / connected / end (MB)",
         lambda r: f"{rss_mb(r, 'rssBeforeKb')} / {rss_mb(r, 'rssConnectedKb')} / {rss_mb(r, 'rssEndKb')}"),
        ("**server process RSS per connection (KB)**", per_conn("rssPerConnectionKb", server)),
        ("  at the end of the hold (KB)", per_conn("rssPerConnectionEndKb", server)),
        ("  after a full GC (KB, jcmd GC.run; Java only)",
         lambda r: per_conn("rssPerConnectionAfterGcKb", server)(r) if server(r) == "gateway" else "-"),
        ("  Java heap used after GC per connection (KB)", per_conn("heapPerConnectionKb", server)),
        ("all server processes incl. Redis: RSS per connection (KB)", per_conn("rssPerConnectionKb", lambda r: "total")),
        ("generator: heap per connection (KB) / RSS (MB) / JVMs",
         lambda r: f"{fmt(r.get('generatorHeapPerConnectionKb'), 1)} / {fmt((r.get('generatorRssKb') or 0) / 1024, 0)} / "
                   f"{r.get('generatorProcesses', 1)}"),
    ]
    return system_table(rows, keys, reports)


def histogram_lines(r, lines=12):
    pid = pid_of(r, "gateway")
    top = (r.get("histogramTop") or {}).get(pid) or []
    return top[:lines]


def section_idle(d, meta, reports, big=False):
    keys = [k for k in SYSTEMS if k in reports]
    if not keys:
        return []
    w = reports[keys[0]]
    title = (f"## {fmt(w['connections'])} idle connections on one gateway" if big
             else "## Idle: memory per idle connection")
    out = [title, ""] + header(meta)
    srcs = w.get("sourceAddresses") or []
    out += [f"Workload: {fmt(w['connections'])} connections (chats of {w['group']}, each client sends chat:join), "
            f"from {'source addresses ' + ', '.join(srcs) if srcs else 'the default source address'}; held {w['hold']} s with server "
            f"heartbeats only, no messages. RSS is VmRSS from /proc: before connecting, {w['settle']} s after the "
            "last connect, and at the end of the hold; per connection = (connected - before) / connections. "
            "\"Server process\" is the gateway for this system and the Node process for the peer; the "
            "all-processes line adds every other server process the run watched (its serverNames), Redis included.", ""]
    out += idle_rows(reports, keys)
    out.append("")
    if big:
        r = reports.get("ours-native")
        if r:
            held = r.get("heldWithoutErrors") and r["connectionsOk"] >= BIG_CONNECTIONS
            pinged = r.get("connectionsPinged", 0)
            fd = (meta.get("settings") or {}).get("fd_limit")
            blocked = bool(fd) and int(fd) < BIG_CONNECTIONS
            out += [f"Target: {fmt(BIG_CONNECTIONS)} connections held on one gateway with heartbeats and no errors: "
                    + ("**blocked here** (the open-file limit is below the target; "
                       f"{fmt(r['connectionsOk'])} connected, {fmt(pinged)} pinged, {fmt(r.get('stillOpen'))} still open "
                       "at the end, errors and closes as in the table)" if blocked else verdict(held and pinged == r["connectionsOk"],
                              f"{fmt(r['connectionsOk'])} connected, {fmt(r['connectionsFailed'])} failed, "
                              f"{fmt(pinged)} pinged, {fmt(r.get('stillOpen'))} still open at the end")), ""]
            if blocked:
                out += [f"Every connection is a file descriptor in the gateway, whose `ulimit -n` was {fmt(int(fd))} "
                        "(the hard limit of this machine, which cannot be raised here): a single gateway process could "
                        f"not hold {fmt(BIG_CONNECTIONS)} connections on it in any case. The generator spread its "
                        f"connections over {r.get('generatorProcesses', 1)} processes for the same reason.", ""]
            tail = os.path.join(d, "gateway-log-tail.txt")
            if os.path.exists(tail) and not held:
                lines = [l.rstrip() for l in open(tail) if l.strip()]
                interesting = [l for l in lines if any(w in l for w in ("SEVERE", "WARN", "Exception", "Error", "error"))]
                if interesting:
                    out += ["The gateway's log (last warnings and errors, from gateway-log-tail.txt):", "", "```"]
                    out += [l[:220] for l in interesting[-12:]] + ["```", ""]
    else:
        ours = reports.get("ours-native")
        peer = reports.get("peer-socketio")
        if ours and peer:
            a = kb_of(ours, "rssPerConnectionKb", "gateway")
            b = kb_of(peer, "rssPerConnectionKb", "peer")
            if a is not None and b:
                ratio = a / b
                out += [f"Target: this system's RSS per idle connection at most {IDLE_RSS_RATIO:g} x the peer's: "
                        + verdict(ratio <= IDLE_RSS_RATIO,
                                  f"native {fmt(a, 1)} KB vs peer {fmt(b, 1)} KB per connection, ratio {ratio:.2f}; "
                                  f"the target is <= {fmt(b * IDLE_RSS_RATIO, 1)} KB, a gap of "
                                  f"{fmt(a - b * IDLE_RSS_RATIO, 1)} KB" if ratio > IDLE_RSS_RATIO else
                                  f"native {fmt(a, 1)} KB vs peer {fmt(b, 1)} KB, ratio {ratio:.2f}"), ""]
            s = reports.get("ours-socketio")
            if s and b:
                c = kb_of(s, "rssPerConnectionKb", "gateway")
                if c is not None:
                    out += [f"Over Socket.IO: {fmt(c, 1)} KB per connection, ratio {c / b:.2f} to the peer.", ""]
    for k in ("ours-native", "ours-socketio"):
        if k in reports and histogram_lines(reports[k]):
            out += [f"Gateway class histogram after the connections were up ({SYSTEMS[k]}; jcmd GC.class_histogram, "
                    f"top lines; 40 lines in bench/results/{os.path.basename(d)}/histograms/):", "", "```"]
            out += histogram_lines(reports[k]) + ["```", ""]
    return out


def section_curves(d, meta, reports_all):
    out = ["## Curves: connections and chat sizes", ""] + header(meta)

    def rows_for(prefix, key_of):
        found = []
        for name, r in reports_all.items():
            if name.startswith(prefix):
                found.append((key_of(name), name, r))
        return sorted(found)

    def offered(r):
        n, g = r["connections"], r["group"]
        members = [min(g, n - k) for k in range(0, n, g)]  # the last chat can be smaller
        return sum(m * (m - 1) for m in members) * r["rate"]

    def row(system, x, r):
        return [system, x, fmt(r["connectionsOk"]) + (f" ({fmt(r['connectionsFailed'])} failed)" if r["connectionsFailed"] else ""),
                r["rate"], fmt(offered(r), 0), fmt(r["deliveredPerSec"], 0),
                f"{fmt(r['deliveryMs']['p50'], 1)} / {fmt(r['deliveryMs']['p99'], 1)}",
                f"{fmt(r['deliveriesExpected'])} / {fmt(r['deliveriesLost'])}", r.get("ackFailed", 0),
                fmt(r["cpuMsPer1000Deliveries"], 1) if r.get("cpuMsPer1000Deliveries") else "-",
                fmt(sum((r.get("rssEndKb") or {}).values()) / 1024, 0) if r.get("rssEndKb") else "-"]

    conn_rows, group_rows = [], []
    for system, label in (("ours", "this system, native"), ("peer", "seed peer, Socket.IO")):
        for n, name, r in rows_for(f"{system}-conn-", lambda s: int(s.rsplit("-", 1)[1])):
            conn_rows.append(row(label, fmt(n), r))
        for g, name, r in rows_for(f"{system}-group-", lambda s: int(s.rsplit("-", 1)[1])):
            group_rows.append(row(label, g, r))
    hdr = ["system", "", "connections ok", "msg/s per client", "offered deliveries/s", "delivered/s", "delivery p50 / p99 (ms)",
           "deliveries expected / lost", "acks failed", "server CPU per 1,000 deliveries (ms, all processes)",
           "server RSS at end (MB, all processes)"]
    if conn_rows:
        sample = next(r for n, r in reports_all.items() if "-conn-" in n)
        out += [f"### Connections (chats of 10, {sample['rate']} msg/s per client: offered deliveries/s grow with "
                f"the connections; {sample['warmup']} s warm-up, {sample['duration']} s measured)", ""]
        out += table(["system", "connections"] + hdr[2:], conn_rows) + [""]
    if group_rows:
        sample = next(r for n, r in reports_all.items() if "-group-" in n)
        out += [f"### Chat sizes ({fmt(sample['connections'])} connections; the rate per client is chosen so that "
                "every point offers about the same deliveries/s: rate = deliveries / (connections x (size - 1)); "
                "with large chats few clients send within the window, so each point is a few bursty fan-outs)", ""]
        out += table(["system", "chat size"] + hdr[2:], group_rows) + [""]
    return out


COMPARE_SYSTEMS = [  # (file name stem, system, generator)
    ("ours-socketio-java", "this system, Socket.IO", "Java"),
    ("ours-socketio-node", "this system, Socket.IO", "Node socket.io-client"),
    ("ours-native-java", "this system, native", "Java"),
    ("peer-socketio-java", "seed peer, Socket.IO", "Java"),
    ("peer-socketio-node", "seed peer, Socket.IO", "Node socket.io-client"),
]


def peer_of(stem):
    return "peer-socketio-" + stem.rsplit("-", 1)[1]


def section_compare(d, meta, reports):
    """reports: {"g10-r2/ours-socketio-java": report, ..., "rtt/...": report}."""
    out = ["## Compare: both systems as deployed, both generators (issue 15)", ""] + header(meta)
    workloads = sorted({k.split("/")[0] for k in reports if "/" in k and not k.startswith("rtt/")},
                       key=lambda w: (-int(w.split("-")[0][1:]), float(w.split("-")[1][1:])))
    sample = next((reports[k] for k in reports if not k.startswith("rtt/")), None)
    if sample:
        out += [f"Protocol: {fmt(sample['connections'])} clients over the websocket transport with `auth: {{token}}`, "
                "side by side in one run; "
                f"{(meta.get('settings') or {}).get('warm-up', 'warm-up runs')}; each measured run sends "
                f"{sample.get('warmup')} s unmeasured (the send phases spread) and then {sample.get('duration')} s measured, "
                "then waits for late acks and deliveries. Server CPU is utime + stime of every server process "
                "(this system: the five JVMs and Redis; the peer: Node and Redis) over the measured seconds; "
                "per 1,000 deliveries = CPU seconds * 1e6 / deliveries received in those seconds. Server RSS is "
                "the peak of the sum of those processes' VmRSS, read every 500 ms in the measured seconds (the "
                "issue's bound: the whole system within 1 GB). Late = measured deliveries later than 1 s after "
                "their send (still received), as % of those received; lost = never received by the end of the drain. "
                "The ratio compares this system with the peer driven by the same generator.", ""]
    hdr = ["system", "generator", "delivered/s", "delivery p50 / p99 (ms)", "late > 1 s", "lost", "sent / acked / failed",
           "server CPU per 1,000 deliveries (ms)", "CPU ratio to the peer", "server cores", "server RSS peak (MB)",
           "generator processes / CPU s"]
    for w in workloads:
        group, rate = w.split("-")[0][1:], w.split("-")[1][1:]
        rows = []
        for stem, system, gen in COMPARE_SYSTEMS:
            r = reports.get(f"{w}/{stem}")
            if not r:
                continue
            cpu = cpu_per_1000(r)
            peer = reports.get(f"{w}/{peer_of(stem)}")
            peer_cpu = cpu_per_1000(peer) if peer else None
            ratio = "-"
            late = late_pct(r)
            if not stem.startswith("peer") and cpu is not None and peer_cpu:
                ratio = f"{fmt(cpu, 1)} / {fmt(peer_cpu, 1)} = **{cpu / peer_cpu:.2f}**"
                if backlogged(r) or backlogged(peer):
                    # The CPU went to a backlog (earlier runs' messages, expired calls) that
                    # the measured deliveries do not count: not a cost per delivery.
                    ratio = f"({cpu / peer_cpu:.2f}: backlog, not a cost)"
            rows.append([system, gen, fmt(r.get("deliveredPerSec"), 0), ms2(r.get("deliveryMs")),
                         f"{late:.2f} %" if late is not None else "-", fmt(r.get("deliveriesLost")),
                         f"{fmt(r.get('sent'))} / {fmt(r.get('acked'))} / {fmt(r.get('ackFailed'))}", fmt(cpu, 1), ratio,
                         fmt(r.get("serverCores"), 2), fmt(rss_peak_mb(r), 0),
                         f"{r.get('generatorProcesses', 1)} / {fmt(r.get('generatorCpuSeconds'), 1)}"])
        connections = next((reports[f"{w}/{s}"]["connections"] for s, _, _ in COMPARE_SYSTEMS if f"{w}/{s}" in reports), "?")
        offered = None
        try:
            n, g, rr = int(connections), int(group), float(rate)
            offered = sum(m * (m - 1) for m in (min(g, n - k) for k in range(0, n, g))) * rr
        except ValueError:
            pass
        out += [f"### Chats of {group}, {rate} msg/s per client ({fmt(connections)} clients; offered "
                f"{fmt(offered, 0)} deliveries/s)", ""]
        out += table(hdr, rows) + [""]
        bad = [f"{s}: {r.get('connectionsFailed')} connects failed, {r.get('joinFailed')} joins failed, "
               f"{r.get('errorEvents')} errors, {r.get('unexpectedCloses')} unexpected closes"
               for s, _, _ in COMPARE_SYSTEMS for r in [reports.get(f"{w}/{s}")]
               if r and (r.get("connectionsFailed") or r.get("joinFailed") or r.get("errorEvents") or r.get("unexpectedCloses"))]
        if bad:
            out += ["Errors: " + "; ".join(bad) + ".", ""]
    rtt = [(stem, system, gen, reports[f"rtt/{stem}"]) for stem, system, gen in COMPARE_SYSTEMS if f"rtt/{stem}" in reports]
    if rtt:
        r0 = rtt[0][3]
        out += [f"### Ack round trip on an idle system (one client, {fmt(r0.get('rttCount'))} `message:new` one after "
                f"another, each waiting for its ack; the later {fmt(r0.get('measured'))} measured)", ""]
        rows = []
        for stem, system, gen, r in rtt:
            a = r.get("ackMs") or {}
            rows.append([system, gen, fmt(a.get("p50"), 2), fmt(a.get("p90"), 2), fmt(a.get("p99"), 2), fmt(a.get("max"), 1),
                         f"{fmt(r.get('acked'))} / {fmt(r.get('ackFailed'))} / {fmt(r.get('acksMissing'))}",
                         fmt(r.get("rttSeconds"), 1)])
        out += table(["system", "generator", "ack median (ms)", "p90 (ms)", "p99 (ms)", "max (ms)",
                      "acked / failed / missing", "seconds for all sends"], rows) + [""]
    return out


def compare_reports(d):
    out = {}
    for p in sorted(glob.glob(os.path.join(d, "*", "*.json"))):
        out[os.path.relpath(p, d)[:-5]] = load_json(p)
    return out


# ---------------------------------------------------------------- commands

def cmd_report(results):
    out = ["# Benchmarks", "",
           "Written by `bench/report.py` from the JSON reports in `bench/results/<mode>/`, which "
           "`bench/run.sh` replaces for each mode it runs (the other modes keep their last run). "
           "Each section names its own command, date and machine. Latencies in ms. The summary that opens "
           "it is written by hand (`bench/summary.md`) and dated: a later run rewrites the sections, not the summary.", ""]
    # The hand-written reading of the latest full run (targets, gaps, causes) comes first.
    summary = os.path.join(os.path.dirname(os.path.abspath(results)), "summary.md")
    if os.path.exists(summary):
        out += [open(summary, encoding="utf-8").read().rstrip(), ""]
    order = [("compare", section_compare), ("load", section_load), ("ramp", section_ramp), ("idle", section_idle),
             ("big", lambda d, m, r: section_idle(d, m, r, big=True)), ("curves", section_curves)]
    for mode, fn in order:
        d = os.path.join(results, mode)
        if not os.path.isdir(d):
            continue
        meta = load_json(os.path.join(d, "meta.json")) if os.path.exists(os.path.join(d, "meta.json")) else {}
        if mode == "compare":
            reports = compare_reports(d)
        else:
            reports = {os.path.basename(p)[:-5]: load_json(p) for p in sorted(glob.glob(os.path.join(d, "*.json")))
                       if not p.endswith("meta.json")}
        if not reports:
            continue
        out += fn(d, meta, reports)
    print("\n".join(out).rstrip() + "\n")


def cmd_meta(d, command, pairs):
    settings, notes = {}, []
    for p in pairs:
        k, _, v = p.partition("=")
        if k == "note":
            notes.append(v)
        else:
            settings[k] = v
    meta = {"command": command, "date": datetime.date.today().isoformat(), "machine": machine(),
            "settings": settings, "notes": notes}
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")


def cmd_summary(path):
    r = load_json(path)
    mode = r.get("mode", "load")
    if mode == "setup":
        print(f"   {r.get('chats')} chats of {r.get('group')} ready")
        return
    if mode == "rtt":
        a = r.get("ackMs") or {}
        print(f"   {r.get('generator')}: {r.get('measured')} of {r.get('sent')} sequential sends measured; ack median "
              f"{a.get('p50')} ms, p90 {a.get('p90')} ms; failed {r.get('ackFailed')}, missing {r.get('acksMissing')}")
        return
    head = f"   {r['connectionsOk']}/{r['connections']} connected ({r.get('connectRatePerSec')}/s)"
    if mode == "load":
        cpu = r.get("cpuMsPer1000Deliveries")
        peak = (r.get("rssPeakKb") or {}).get("total")
        print(f"{head}; {r['deliveredPerSec']} delivered/s, delivery p50 {r['deliveryMs']['p50']} p99 {r['deliveryMs']['p99']} ms, "
              f"lost {r['deliveriesLost']}, late {r.get('deliveriesLate', '-')}, acks failed {r['ackFailed']}"
              + (f"; server CPU {cpu} ms per 1,000 deliveries ({r.get('serverCores')} cores)" if cpu is not None else "")
              + (f", server RSS peak {peak // 1024} MB" if peak and peak > 0 else ""))
    elif mode == "ramp":
        b = r.get("best")
        print(f"{head}; {len(r['steps'])} steps; best {b['deliveredPerSec'] if b else 0} delivered/s "
              f"at {b['ratePerClient'] if b else '-'} msg/s per client; stop: {r['stopReason']}")
    else:
        names = r.get("serverNames") or {}

        def named(values):  # {pid: v} -> {process name: v}
            return {names.get(k, k): v for k, v in (values or {}).items()} if isinstance(values, dict) else values
        print(f"{head}; pinged {r.get('connectionsPinged')}, still open {r.get('stillOpen')}, "
              f"closes {r.get('unexpectedCloses')}, RSS/conn {named(r.get('rssPerConnectionKb'))} KB, "
              f"after GC {named(r.get('rssPerConnectionAfterGcKb')) or '-'}, "
              f"heap/conn {named(r.get('heapPerConnectionKb')) or '-'}")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "report":
        cmd_report(sys.argv[2])
    elif len(sys.argv) >= 4 and sys.argv[1] == "meta":
        cmd_meta(sys.argv[2], sys.argv[3], sys.argv[4:])
    elif len(sys.argv) == 3 and sys.argv[1] == "summary":
        cmd_summary(sys.argv[2])
    else:
        sys.exit(__doc__)
