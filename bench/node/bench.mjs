#!/usr/bin/env node
// The second load generator of bench/: the real npm socket.io-client (4.8.4, as the compat suite
// uses), so that no result depends on our own client alone. Same workload and the same meaning
// of every figure as the Java generator's Socket.IO --mode load and --mode rtt (bench/README.md),
// and the same JSON fields, plus generator: "node-socket.io-client".
//
//   node bench/node/bench.mjs --secret S --url http://127.0.0.1:3001 [--mode load|rtt] ...
//
// load: N clients (u0..), chats of G consecutive users (chat <prefix>k = users kG..kG+G-1), each
// client joins its chat (ack) and sends message:new {chatId, content, type:"text", tempId} with an
// ack R times a second (random start phase), --warmup s unmeasured, --duration s measured, then
// waits up to --drain s for late acks and deliveries. The content is
// bench|<runId>|<sender>|<seq>|<send time>|<measured> as the Java generator writes it (the send
// time here is microseconds of the sending process's monotonic clock); every chat lives in one
// process, so sender and receivers share that clock. The clients are spread over --workers
// processes (child_process.fork, whole chats each): one Node process does not keep up with tens
// of thousands of deliveries a second. Server CPU (utime + stime of each --server-pid over the
// measured seconds) and RSS (peak of the sum, sampled every 500 ms) are read by the coordinator.
//
// rtt: one client sends --rtt-count messages one after another, each after the previous one's
// ack; ackMs is the later half.
import { fork } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { io } from 'socket.io-client';

const LATE_MICROS = 1_000_000; // a delivery later than 1 s counts as late (as in the Java generator)

// ------------------------------------------------------------------ arguments

const DEFAULTS = {
  mode: 'load', url: 'http://127.0.0.1:3001', connections: 100, group: 10, rate: 1, duration: 30, warmup: 5, drain: 5,
  secret: '', 'chat-prefix': 'bench-', 'user-prefix': 'u', 'user-offset': 0, 'connect-concurrency': 200,
  'connect-timeout': 10, workers: 1, 'rtt-count': 4000, 'rtt-timeout': 10, json: false,
};

function parseArgs(argv) {
  const o = { ...DEFAULTS, 'server-pid': [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const k = a.slice(2);
    if (k === 'json') { o.json = true; continue; }
    if (!(k in o)) throw new Error(`unknown option ${a}`);
    const v = argv[++i];
    if (v === undefined) throw new Error(`${a} needs a value`);
    if (k === 'server-pid') o[k].push(v);
    else o[k] = typeof DEFAULTS[k] === 'number' ? Number(v) : v;
  }
  if (!o.secret) throw new Error('--secret is required');
  if (!['load', 'rtt'].includes(o.mode)) throw new Error('--mode must be load or rtt');
  if (o.mode === 'rtt') o.connections = 1;
  if (!(o.connections >= 1 && o.group >= 1 && o.rate > 0 && o.duration >= 1 && o.warmup >= 0 && o.workers >= 1)) {
    throw new Error('connections, group, duration, workers >= 1; rate > 0; warmup >= 0');
  }
  return o;
}

// ------------------------------------------------------------------ helpers

const b64url = (b) => Buffer.from(b).toString('base64url');

/** HS256 JWT {sub, type: "access", iat, exp}, no kid: what tools/sup token and the Java generator sign. */
function token(secret, sub, iat) {
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(JSON.stringify({ sub, type: 'access', iat, exp: iat + 2 * 86400 }));
  const sig = createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${sig}`;
}

const micros = () => Math.round(performance.now() * 1000); // this process's monotonic clock
const round = (v) => Math.round(v * 100) / 100;
const sleep = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** A growable array of latencies (microseconds). */
class Samples {
  constructor() { this.a = new Float64Array(1024); this.n = 0; }
  push(v) {
    if (this.n === this.a.length) { const b = new Float64Array(this.a.length * 2); b.set(this.a); this.a = b; }
    this.a[this.n++] = v;
  }
  values() { return this.a.slice(0, this.n); }
}

/** {count, p50, [p90], p99, max} in ms of one or more Float64Arrays of microseconds. */
function percentiles(arrays, withP90) {
  const n = arrays.reduce((s, a) => s + a.length, 0);
  const all = new Float64Array(n);
  let off = 0;
  for (const a of arrays) { all.set(a, off); off += a.length; }
  all.sort();
  const at = (p) => (n === 0 ? 0 : all[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))]);
  const ms = (us) => round(us / 1000);
  const m = { count: n, p50: ms(at(50)) };
  if (withP90) m.p90 = ms(at(90));
  m.p99 = ms(at(99));
  m.max = ms(n === 0 ? 0 : all[n - 1]);
  return m;
}

// ------------------------------------------------------------------ /proc

function parsePids(specs) {
  const names = {};
  for (const s of specs) {
    const eq = s.indexOf('=');
    const pid = s.slice(eq + 1).trim();
    names[pid] = eq > 0 ? s.slice(0, eq) : pid;
  }
  return names;
}

function rssKb(pid) {
  try {
    const m = /^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : -1;
  } catch { return -1; }
}

function cpuSeconds(pid) { // utime + stime, 100 ticks a second (fields 14 and 15)
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch { return -1; }
}

const rssAll = (pids) => Object.fromEntries(pids.map((p) => [p, rssKb(p)]));
const cpuAll = (pids) => Object.fromEntries(pids.map((p) => [p, cpuSeconds(p)]));

// ------------------------------------------------------------------ one client

class Client {
  constructor(index, user, chatId, tok, w) {
    Object.assign(this, { index, user, chatId, tok, w });
    this.socket = null;
    this.closing = false;
    this.sent = 0;
  }

  connect(o) {
    const t0 = micros();
    return new Promise((resolve) => {
      let done = false;
      const finish = (err) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (err) { this.failure = err; this.closing = true; this.socket.close(); resolve(false); return; }
        this.w.connectLat.push(micros() - t0);
        resolve(true);
      };
      const timer = setTimeout(() => finish('connect timeout'), o['connect-timeout'] * 1000);
      const s = io(o.url, { transports: ['websocket'], auth: { token: this.tok }, forceNew: true, reconnection: false,
        timeout: o['connect-timeout'] * 1000 });
      this.socket = s;
      s.on('connected', () => finish(null));
      s.on('connect_error', (e) => finish(`connect_error ${e && e.message}`));
      s.on('disconnect', (reason) => {
        if (!this.closing) { this.w.run.unexpectedCloses++; this.closing = true; }
        finish(`disconnect ${reason}`);
      });
      s.on('error', () => { if (done) this.w.run.errorEvents++; });
      s.on('message:new', (data) => this.w.onDelivery(this, data));
    });
  }

  join(o) {
    return new Promise((resolve) => {
      this.socket.timeout(o['connect-timeout'] * 1000).emit('chat:join', { chatId: this.chatId }, (err, res) => {
        if (err || !res || res.success !== true) { this.failure = `join: ${err ? err.message : JSON.stringify(res)}`; resolve(false); }
        else resolve(true);
      });
    });
  }

  /** Sends this client's next message; onAck(ok, res, micros) when its ack comes. */
  send(run, measured, onAck) {
    const slot = run.slots.get(this.index);
    if (!slot || this.closing || this.sent >= slot.measured.length) return false;
    const seq = this.sent++;
    const t = micros();
    slot.measured[seq] = measured ? 1 : 0;
    slot.sendMicros[seq] = t;
    this.socket.emit('message:new', {
      chatId: this.chatId, content: `bench|${run.runId}|${this.index}|${seq}|${t}|${measured ? 1 : 0}`,
      type: 'text', tempId: `t${run.runId}-${this.index}-${seq}`,
    }, (res) => onAck(res && res.success === true, res, micros() - t, seq));
    return true;
  }

  close() {
    this.closing = true;
    if (this.socket) this.socket.close();
  }
}

// ------------------------------------------------------------------ a worker's share

class Share {
  constructor(o, from, to, runId) {
    this.o = o;
    this.runId = runId;
    this.connectLat = new Samples();
    this.run = { runId, slots: new Map(), unexpectedCloses: 0, errorEvents: 0, protocolErrors: 0, foreignDeliveries: 0,
      selfDeliveries: 0, acked: 0, ackFailed: 0, lastAckError: null, measuredDeliveries: 0, inWindow: 0,
      ackLat: new Samples(), deliveryLat: new Samples(), sendEnd: Infinity };
    const iat = Math.floor(Date.now() / 1000);
    this.clients = [];
    for (let i = from; i < to; i++) {
      const user = o['user-prefix'] + (o['user-offset'] + i);
      this.clients.push(new Client(i, user, o['chat-prefix'] + Math.floor((o['user-offset'] + i) / o.group), token(o.secret, user, iat), this));
    }
    this.byIndex = new Map(this.clients.map((c) => [c.index, c]));
  }

  async connectAll() {
    const o = this.o;
    const t0 = performance.now();
    const failures = {};
    let ok = 0;
    let next = 0;
    const lane = async () => {
      while (next < this.clients.length) {
        const c = this.clients[next++];
        if (await c.connect(o)) ok++;
        else {
          const why = (c.failure || '?').slice(0, 120);
          failures[why] = (failures[why] || 0) + 1;
        }
      }
    };
    const lanes = Math.max(1, Math.floor(o['connect-concurrency'] / Math.max(1, o.workers)));
    await Promise.all(Array.from({ length: Math.min(lanes, this.clients.length) }, lane));
    const seconds = (performance.now() - t0) / 1000;
    this.live = this.clients.filter((c) => !c.failure);
    let joinFailed = 0;
    let joinError;
    const joins = await Promise.all(this.live.map((c) => c.join(o)));
    joins.forEach((j, k) => { if (!j) { joinFailed++; joinError = joinError || this.live[k].failure; } });
    return { connectionsOk: ok, connectionsFailed: this.clients.length - ok, connectFailures: failures,
      connectPhaseSeconds: seconds, joinFailed, joinError, connectHistogram: this.connectLat.values() };
  }

  onDelivery(client, data) {
    const now = micros();
    const run = this.run;
    const f = String((data && data.content) || '').split('|');
    if (f.length !== 6 || f[0] !== 'bench' || f[1] !== run.runId) { run.foreignDeliveries++; return; }
    const sender = Number(f[2]);
    const seq = Number(f[3]);
    const slot = run.slots.get(sender);
    if (!slot || !(seq >= 0 && seq < slot.deliveries.length)) { run.protocolErrors++; return; }
    if (sender === client.index) run.selfDeliveries++;
    slot.deliveries[seq]++;
    if (f[5] === '1') {
      run.deliveryLat.push(Math.max(0, now - Number(f[4])));
      run.measuredDeliveries++;
      if (now <= run.sendEnd) run.inWindow++;
    }
  }

  /** The load: startAt etc. are epoch ms chosen by the coordinator. */
  async load(startAt, measureAt, endAt) {
    const o = this.o;
    const run = this.run;
    const local = (epochMs) => (epochMs - performance.timeOrigin) * 1000; // -> micros()
    const measureStart = local(measureAt);
    run.sendEnd = local(endAt);
    const maxMessages = Math.ceil(o.rate * (o.warmup + o.duration)) + 4;
    const liveByChat = new Map();
    for (const c of this.live) liveByChat.set(c.chatId, (liveByChat.get(c.chatId) || 0) + 1);
    for (const c of this.live) {
      run.slots.set(c.index, { measured: new Uint8Array(maxMessages), sendMicros: new Float64Array(maxMessages),
        deliveries: new Uint16Array(maxMessages), expected: liveByChat.get(c.chatId) - 1, acks: new Uint8Array(maxMessages) });
    }
    // At a fixed rate, as the Java generator's scheduleAtFixedRate: each client has its next due
    // time (a random phase within the first period); a 1 ms tick sends every message that is due,
    // so a stalled event loop catches up instead of dropping sends.
    const period = 1e6 / o.rate; // microseconds
    const start = local(startAt);
    const due = new Float64Array(this.live.length);
    for (let k = 0; k < due.length; k++) due[k] = start + Math.random() * period;
    const onAck = (slot) => (ok, res, lat, seq) => {
      slot.acks[seq] = 1;
      if (!slot.measured[seq]) return;
      if (ok) { run.acked++; run.ackLat.push(lat); } else { run.ackFailed++; run.lastAckError = JSON.stringify(res); }
    };
    const acks = this.live.map((c) => onAck(run.slots.get(c.index)));
    await new Promise((resolve) => {
      const timer = setInterval(() => {
        const now = micros();
        const end = Math.min(now, run.sendEnd);
        for (let k = 0; k < due.length; k++) {
          while (due[k] <= end && due[k] < run.sendEnd) {
            this.live[k].send(run, due[k] >= measureStart, acks[k]);
            due[k] += period;
          }
        }
        if (now >= run.sendEnd) { clearInterval(timer); resolve(); }
      }, 1);
    });
    // counts of the measured messages
    let sent = 0;
    let expected = 0;
    for (const c of this.live) {
      const s = run.slots.get(c.index);
      for (let q = 0; q < c.sent; q++) if (s.measured[q]) { sent++; expected += s.expected; }
    }
    const drainEnd = performance.now() + o.drain * 1000;
    while (performance.now() < drainEnd && (run.measuredDeliveries < expected || run.acked + run.ackFailed < sent)) await sleep(50);
    let received = 0;
    let lost = 0;
    let duplicates = 0;
    for (const c of this.live) {
      const s = run.slots.get(c.index);
      for (let q = 0; q < c.sent; q++) {
        if (!s.measured[q]) continue;
        const got = s.deliveries[q];
        received += Math.min(got, s.expected);
        lost += Math.max(0, s.expected - got);
        duplicates += Math.max(0, got - s.expected);
      }
    }
    return { sent, acked: run.acked, ackFailed: run.ackFailed, lastAckError: run.lastAckError, deliveriesExpected: expected,
      deliveriesReceived: received, deliveriesLost: lost, deliveriesDuplicate: duplicates, deliveriesInWindow: run.inWindow,
      selfDeliveries: run.selfDeliveries, errorEvents: run.errorEvents, protocolErrors: run.protocolErrors,
      unexpectedCloses: run.unexpectedCloses, foreignDeliveries: run.foreignDeliveries,
      ackHistogram: run.ackLat.values(), deliveryHistogram: run.deliveryLat.values() };
  }

  closeAll() { for (const c of this.clients) c.close(); }
}

// ------------------------------------------------------------------ worker process

async function workerMain() {
  const { o, from, to, runId } = JSON.parse(process.env.BENCH_NODE_WORKER);
  const share = new Share(o, from, to, runId);
  process.on('message', async (m) => {
    if (m.cmd === 'start') {
      const r = await share.load(m.startAt, m.measureAt, m.endAt);
      process.send({ type: 'result', r });
    } else if (m.cmd === 'close') {
      share.closeAll();
      setTimeout(() => process.exit(0), 300);
    }
  });
  const ready = await share.connectAll();
  process.send({ type: 'ready', r: ready });
}

// ------------------------------------------------------------------ coordinator

function clientVersion() {
  try { return createRequire(import.meta.url)('socket.io-client/package.json').version; } catch { return '?'; }
}

function header(o, names) {
  const pids = Object.keys(names);
  return { mode: o.mode, generator: 'node-socket.io-client', socketIoClient: clientVersion(), protocol: 'socketio', url: o.url,
    connections: o.connections, group: o.group, serverNames: names, rssBeforeKb: rssAll(pids) };
}

async function loadMain(o) {
  const names = parsePids(o['server-pid']);
  const pids = Object.keys(names);
  const report = header(o, names);
  Object.assign(report, { rate: o.rate, duration: o.duration, warmup: o.warmup, sourceAddresses: [] });
  const runId = (Date.now() % 100_000_000).toString(36) + 'n';
  // whole chats per worker
  const chats = Math.ceil(o.connections / o.group);
  const workers = [];
  let chatStart = 0;
  for (let w = 0; w < o.workers; w++) {
    const chatEnd = Math.floor((chats * (w + 1)) / o.workers);
    const from = Math.min(o.connections, chatStart * o.group);
    const to = Math.min(o.connections, chatEnd * o.group);
    chatStart = chatEnd;
    if (to <= from) continue;
    const child = fork(fileURLToPath(import.meta.url), [], { serialization: 'advanced',
      env: { ...process.env, BENCH_NODE_WORKER: JSON.stringify({ o, from, to, runId }) } });
    const waiting = new Map();
    child.on('message', (m) => { const r = waiting.get(m.type); if (r) { waiting.delete(m.type); r(m.r); } });
    child.on('exit', (code) => { for (const r of waiting.values()) r(null); if (code) console.error(`worker ${child.pid} exited ${code}`); });
    const expect = (type) => new Promise((r) => waiting.set(type, r));
    workers.push({ child, expect, ready: expect('ready') });
  }
  report.generatorProcesses = workers.length;
  const t0 = performance.now();
  const readies = await Promise.all(workers.map((w) => w.ready));
  if (readies.some((r) => !r)) throw new Error('a generator worker died while connecting');
  const connectSeconds = (performance.now() - t0) / 1000;
  const ok = readies.reduce((s, r) => s + r.connectionsOk, 0);
  const failures = {};
  for (const r of readies) for (const [k, v] of Object.entries(r.connectFailures)) failures[k] = (failures[k] || 0) + v;
  Object.assign(report, { connectionsOk: ok, connectionsFailed: o.connections - ok, connectFailures: failures,
    connectPhaseSeconds: round(connectSeconds), connectRatePerSec: round(ok / connectSeconds),
    connectMs: percentiles(readies.map((r) => r.connectHistogram), false), rssConnectedKb: rssAll(pids),
    joinFailed: readies.reduce((s, r) => s + r.joinFailed, 0) });
  const joinError = readies.map((r) => r.joinError).find((e) => e);
  if (joinError) report.joinError = joinError;

  const startAt = Date.now() + 300;
  const measureAt = startAt + o.warmup * 1000;
  const endAt = measureAt + o.duration * 1000;
  const results = workers.map((w) => w.expect('result'));
  workers.forEach((w) => w.child.send({ cmd: 'start', startAt, measureAt, endAt }));
  const genPids = [String(process.pid), ...workers.map((w) => String(w.child.pid))];
  await sleep(measureAt - Date.now());
  const w0 = performance.now();
  const cpu0 = cpuAll(pids);
  const gen0 = cpuAll(genPids);
  const peak = {};
  let peakTotal = -1;
  const sample = () => {
    let total = 0;
    for (const [pid, kb] of Object.entries(rssAll(pids))) {
      if (kb > 0) { total += kb; peak[pid] = Math.max(peak[pid] || 0, kb); }
    }
    peakTotal = Math.max(peakTotal, total);
  };
  sample();
  const sampler = setInterval(sample, 500);
  await sleep(endAt - Date.now());
  clearInterval(sampler);
  sample();
  const cpu1 = cpuAll(pids);
  const gen1 = cpuAll(genPids);
  const window = (performance.now() - w0) / 1000;
  const rs = await Promise.all(results);
  if (rs.some((r) => !r)) throw new Error('a generator worker died during the load');
  const sum = (k) => rs.reduce((s, r) => s + r[k], 0);
  const inWindow = sum('deliveriesInWindow');
  const deliveryHist = rs.map((r) => r.deliveryHistogram);
  const late = deliveryHist.reduce((s, a) => s + a.filter((v) => v > LATE_MICROS).length, 0);
  const serverCpu = {};
  let cpuTotal = 0;
  for (const p of pids) {
    const d = cpu0[p] < 0 || cpu1[p] < 0 ? 0 : cpu1[p] - cpu0[p];
    serverCpu[p] = round(d);
    cpuTotal += d;
  }
  const genCpu = genPids.reduce((s, p) => s + (gen1[p] >= 0 && gen0[p] >= 0 ? gen1[p] - gen0[p] : 0), 0);
  Object.assign(report, {
    sent: sum('sent'), acked: sum('acked'), ackFailed: sum('ackFailed'),
    ...(rs.find((r) => r.lastAckError) ? { lastAckError: rs.find((r) => r.lastAckError).lastAckError } : {}),
    ackMs: percentiles(rs.map((r) => r.ackHistogram), true),
    deliveriesExpected: sum('deliveriesExpected'), deliveriesReceived: sum('deliveriesReceived'),
    deliveriesLost: sum('deliveriesLost'), deliveriesDuplicate: sum('deliveriesDuplicate'), deliveriesInWindow: inWindow,
    deliveredPerSec: round(inWindow / o.duration), deliveryMs: percentiles(deliveryHist, true),
    lateBoundMs: LATE_MICROS / 1000, deliveriesLate: late,
    selfDeliveries: sum('selfDeliveries'), errorEvents: sum('errorEvents'), protocolErrors: sum('protocolErrors'),
    unexpectedCloses: sum('unexpectedCloses'), foreignDeliveries: sum('foreignDeliveries'),
    measuredWindowSeconds: round(window), serverCpuSeconds: serverCpu, serverCpuSecondsTotal: round(cpuTotal),
    serverCores: round(window > 0 ? cpuTotal / window : 0), generatorCpuSeconds: round(genCpu),
    cpuMsPer1000Deliveries: inWindow > 0 ? round((cpuTotal * 1e6) / inWindow) : null,
    rssPeakKb: { ...peak, total: peakTotal }, rssEndKb: rssAll(pids),
  });
  workers.forEach((w) => w.child.send({ cmd: 'close' }));
  await Promise.all(workers.map((w) => new Promise((r) => (w.child.exitCode !== null ? r() : w.child.on('exit', r)))));
  return report;
}

async function rttMain(o) {
  const names = parsePids(o['server-pid']);
  const report = header(o, names);
  report.rttCount = o['rtt-count'];
  const share = new Share(o, 0, 1, (Date.now() % 100_000_000).toString(36) + 'r');
  const ready = await share.connectAll();
  Object.assign(report, { connectionsOk: ready.connectionsOk, connectionsFailed: ready.connectionsFailed,
    connectFailures: ready.connectFailures, joinFailed: ready.joinFailed, generatorProcesses: 1 });
  if (ready.joinError) report.joinError = ready.joinError;
  const c = share.live[0];
  if (!c) { report.rttError = 'the client did not connect'; return report; }
  const n = o['rtt-count'];
  const run = share.run;
  run.slots.set(c.index, { measured: new Uint8Array(n), sendMicros: new Float64Array(n), deliveries: new Uint16Array(n), expected: 0 });
  const from = Math.floor(n / 2);
  let missing = 0;
  const lat = new Samples();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const measured = i >= from;
    const got = await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), o['rtt-timeout'] * 1000);
      const sent = c.send(run, measured, (ok, res, us) => {
        clearTimeout(timer);
        if (measured) {
          if (ok) { run.acked++; lat.push(us); } else { run.ackFailed++; run.lastAckError = JSON.stringify(res); }
        }
        resolve(true);
      });
      if (!sent) { clearTimeout(timer); resolve(null); }
    });
    if (got === null) break;
    if (!got) missing++;
  }
  Object.assign(report, { sent: c.sent, measured: n - from, acked: run.acked, ackFailed: run.ackFailed,
    ...(run.lastAckError ? { lastAckError: run.lastAckError } : {}), acksMissing: missing,
    rttSeconds: round((performance.now() - t0) / 1000), ackMs: percentiles([lat.values()], true),
    errorEvents: run.errorEvents, protocolErrors: run.protocolErrors, unexpectedCloses: run.unexpectedCloses,
    rssEndKb: rssAll(Object.keys(names)) });
  share.closeAll();
  return report;
}

async function main() {
  if (process.env.BENCH_NODE_WORKER) return workerMain();
  let o;
  try { o = parseArgs(process.argv.slice(2)); } catch (e) { console.error(`bench.mjs: ${e.message}`); process.exit(2); }
  const report = o.mode === 'rtt' ? await rttMain(o) : await loadMain(o);
  if (o.json) process.stdout.write(JSON.stringify(report) + '\n');
  else for (const [k, v] of Object.entries(report)) console.log(`${k.padEnd(28)} ${typeof v === 'object' ? JSON.stringify(v) : v}`);
  setTimeout(() => process.exit(0), 200);
}

main().catch((e) => { console.error(e); process.exit(1); });
