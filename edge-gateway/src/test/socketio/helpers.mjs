// Shared by the *.test.mjs files: settings from the environment, HS256 tokens, clients
// (socket.io-client, a raw Engine.IO `ws` client and a native-protocol `ws` client) that the
// tests close after each test, and a gateway's counters.
// tools/scripts/socketio-suite.sh starts the system and sets GATEWAY_A_URL .. GATEWAY_F_URL,
// GATEWAY_D_METRICS_URL, JWT_SECRET and CALL_TURN_SECRET.
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import WebSocket from 'ws';

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run tools/scripts/socketio-suite.sh, which starts the gateways and sets it`);
  }
  return value;
}

/** gw-a: default timers (Engine.IO ping every 25 s, idle timeout 30 min) and limits. */
export const GATEWAY_A_URL = required('GATEWAY_A_URL');
/** gw-b: default timers and limits too, the second instance of cross-gateway tests. */
export const GATEWAY_B_URL = required('GATEWAY_B_URL');
/** gw-c, for the idle-timeout tests only: gw-e's ping timers and MAX_IDLE_TIME=4000. */
export const GATEWAY_C_URL = required('GATEWAY_C_URL');
/**
 * gw-d, for the slow-consumer tests only: GATEWAY_OUTBOUND_LIMIT=16 and
 * GATEWAY_CLOSE_GRACE_MS=15000 (a client that reads again in time still gets the close
 * frame); default timers, which do not fire during a test.
 */
export const GATEWAY_D_URL = required('GATEWAY_D_URL');
/** gw-d's Prometheus endpoint (/metrics on its metrics port). */
export const GATEWAY_D_METRICS_URL = required('GATEWAY_D_METRICS_URL');
/**
 * gw-e, for the heartbeat tests only: SOCKETIO_PING_INTERVAL=500, SOCKETIO_PING_TIMEOUT=5000
 * (long enough that a loaded machine's stalls do not pass for a dead peer).
 */
export const GATEWAY_E_URL = required('GATEWAY_E_URL');
/**
 * gw-f, for the limits and token-lifetime tests only: no exemption for loopback (the other
 * gateways exempt it, as a test suite or benchmark is configured to),
 * RATE_LIMIT_MAX_CONNECTIONS=2, JWT_LEEWAY_MS=500, JWT_EXPIRY_WARNING_MS=2000,
 * CORS_ORIGIN=https://app.example.com.
 */
export const GATEWAY_F_URL = required('GATEWAY_F_URL');
export const JWT_SECRET = required('JWT_SECRET');
/** call-signaling-service's TURN secret (CALL_TURN_SECRET), which TURN credentials are minted from. */
export const CALL_TURN_SECRET = required('CALL_TURN_SECRET');

/** Settings of gw-f, as the suite script starts it. */
export const GW_F = { maxConnections: 2, leewayMs: 500, warningMs: 2000, origin: 'https://app.example.com' };

/** Timers of gw-c, as the suite script starts it. */
export const GW_C = { pingInterval: 500, pingTimeout: 5000, maxIdle: 4000 };
/** Timers of gw-e, as the suite script starts it. */
export const GW_E = { pingInterval: 500, pingTimeout: 5000 };

/** call-signaling-service's STUN and TURN servers (CALL_ICE_STUN_URLS, CALL_ICE_TURN_URLS), as the suite script starts it. */
export const CALLS = {
  stunUrls: ['stun:stun.sup.test:3478'],
  turnUrls: ['turn:turn.sup.test:3478?transport=udp', 'turns:turn.sup.test:5349'],
};

/**
 * Chats the suite script creates (tools/sup chat create) before the tests run. Each test
 * file has its own chat and users, so files can run in parallel without seeing each
 * other's messages.
 */
export const CHATS = {
  room: { id: 'sio-room', members: ['sio-alice', 'sio-bob'] },
  interop: { id: 'sio-interop', members: ['sio-dave', 'sio-erin'] },
  domain: { id: 'sio-domain', members: ['sio-fay', 'sio-gus'] },
  /** messaging.test.mjs: a chat sio-carol is in, for markers that must reach her. */
  side: { id: 'sio-side', members: ['sio-alice', 'sio-carol'] },
  connect: { id: 'sio-connect', members: ['sio-conn-typist', 'sio-conn-watcher'] },
  /** slow-consumer.test.mjs, on gw-d. */
  flood: { id: 'sio-flood', members: ['sio-hal', 'sio-ivy', 'sio-jo'] },
  /** limits.test.mjs: event rate limits at the suite's defaults (message:typing 10 per 10 s). */
  limits: { id: 'sio-limits', members: ['sio-lim-typist', 'sio-lim-watcher'] },
  /** presence.test.mjs: two users who may see each other's presence. */
  presence: { id: 'sio-presence', members: ['sio-pia', 'sio-quinn'] },
  /** calls.test.mjs: two users who may call each other (sharing a chat is what allows it). */
  calls: { id: 'sio-calls', members: ['sio-call-ann', 'sio-call-ben'] },
};

/**
 * How long any single awaited event may take: generous, so that a loaded machine only makes
 * the suite slower; no test's outcome depends on how fast anything is.
 */
export const STEP_MS = 15000;

const b64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/**
 * An HS256 JWT as the original's auth service issued them: {sub, type: "access", iat, exp, deviceId?}.
 *
 * @param {object} o
 * @param {string} o.sub user id
 * @param {string} [o.deviceId]
 * @param {string} [o.secret] signing key (default: the gateways' JWT_SECRET)
 * @param {number} [o.expiresIn] seconds from now; negative for an expired token
 */
export function token({ sub, deviceId, secret = JWT_SECRET, expiresIn = 600, type = 'access' }) {
  const now = Math.floor(Date.now() / 1000);
  const payload = { sub, type, iat: Math.min(now, now + expiresIn - 60), exp: now + expiresIn };
  if (deviceId !== undefined) {
    payload.deviceId = deviceId;
  }
  const signingInput = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(payload)}`;
  const signature = createHmac('sha256', secret).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

/** A unique id for tempIds and message contents. */
export const uniq = (prefix) => `${prefix}-${randomUUID().slice(0, 8)}`;

const open = new Set();

/**
 * A socket.io-client socket configured as the original's apps were (websocket transport,
 * token in `auth`), with reconnection off. `forceNew` gives every socket its own Manager:
 * socket.io-client otherwise caches one Manager per URL and reuses the options (transports,
 * reconnection) of the first socket for later ones, which would mix up the tests.
 */
export function sioClient(url, { token: tok, auth, ...options } = {}) {
  const socket = io(url, {
    transports: ['websocket'],
    auth: auth ?? (tok === undefined ? undefined : { token: tok }),
    reconnection: false,
    forceNew: true,
    timeout: STEP_MS,
    ...options,
  });
  open.add(socket);
  return socket;
}

/** Closes every client the current test opened. Use as afterEach(closeAll). */
export async function closeAll() {
  const closing = [];
  for (const client of open) {
    if (client instanceof WebSocket) {
      if (client.readyState !== WebSocket.CLOSED) {
        closing.push(new Promise((resolve) => {
          client.once('close', resolve);
          setTimeout(() => { client.terminate(); resolve(); }, 1000).unref();
        }));
        client.close();
      }
    } else {
      client.disconnect();
    }
  }
  open.clear();
  await Promise.all(closing);
}

/**
 * The first `event` from `emitter` (its first argument), or a rejection after `ms`.
 * With `filter`, the first one for which filter(arg) is true.
 */
export function nextEvent(emitter, event, { ms = STEP_MS, filter = () => true } = {}) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`no '${event}' within ${ms} ms`));
    }, ms);
    function listener(arg) {
      if (!filter(arg)) {
        return;
      }
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(arg);
    }
    emitter.on(event, listener);
  });
}

/**
 * Records every `event` an emitter receives from now on, for "receives nothing" checks: stop
 * once a marker arrived (an event that would necessarily come after the forbidden one, e.g.
 * a later delivery to the same client through the same path); `stop()` removes the
 * listener and returns what was seen.
 */
export function record(emitter, event) {
  const seen = [];
  const listener = (arg) => seen.push(arg);
  emitter.on(event, listener);
  return { seen, stop: () => { emitter.off(event, listener); return seen; } };
}

/**
 * Settles on the first of `outcomes` (event name -> function of the event's arguments,
 * whose result resolves the promise and whose throw rejects it) to arrive from `emitter`,
 * or rejects after `ms`. Removes its listeners either way.
 */
export function firstOf(emitter, outcomes, ms = STEP_MS) {
  return new Promise((resolve, reject) => {
    const listeners = {};
    const timer = setTimeout(() => settle(() => {
      throw new Error(`none of ${Object.keys(outcomes).join(', ')} within ${ms} ms`);
    }), ms);
    function settle(outcome) {
      clearTimeout(timer);
      for (const [event, listener] of Object.entries(listeners)) {
        emitter.off(event, listener);
      }
      try {
        resolve(outcome());
      } catch (err) {
        reject(err);
      }
    }
    for (const [event, handle] of Object.entries(outcomes)) {
      listeners[event] = (...args) => settle(() => handle(...args));
      emitter.on(event, listeners[event]);
    }
  });
}

/**
 * Connects `user` to `url` and waits for both socket.io's `connect` and the gateway's
 * `connected` event (which the gateway sends right after accepting the CONNECT).
 * Rejects with the connect_error's message.
 *
 * @returns {Promise<{socket, connected}>} connected: the `connected` event's data
 */
export async function connectUser(url, user, { deviceId, ...options } = {}) {
  const socket = sioClient(url, { token: token({ sub: user, deviceId }), ...options });
  const connected = nextEvent(socket, 'connected');
  connected.catch(() => {}); // awaited below, unless the connect fails first
  await firstOf(socket, {
    connect: () => undefined,
    connect_error: (err) => {
      throw new Error(`connect_error for ${user}: ${err.message}`);
    },
  });
  return { socket, connected: await connected };
}

/** Waits for the connect_error of a socket that should be refused, and returns the error. */
export function refusal(socket) {
  return firstOf(socket, {
    connect_error: (err) => err,
    connect: () => {
      throw new Error('connected, but a connect_error was expected');
    },
  });
}

/** Emits and waits for the ack (socket.io-client's own timeout). */
export function ask(socket, event, data, ms = STEP_MS) {
  return socket.timeout(ms).emitWithAck(event, data);
}

/**
 * A raw Engine.IO connection at /socket.io/ (a `ws` client, without socket.io-client's
 * tolerance in between). It keeps every text frame except the server's pings "2" in
 * `frames`, counts those pings in `pings` and answers them with "3" unless `answerPings` is
 * false. `next()` takes the oldest kept frame, waiting for one if need be (and fails if the
 * connection closes first). A refused upgrade is seen as the `ws` 'unexpected-response' event.
 *
 * @returns {{ws: WebSocket, frames: string[], pings: number, next: (ms?: number) => Promise<string>}}
 */
export function rawEngineIo(httpUrl, { eio = '4', answerPings = true } = {}) {
  const ws = new WebSocket(`${httpUrl.replace(/^http/, 'ws')}/socket.io/?EIO=${eio}&transport=websocket`);
  open.add(ws);
  const raw = { ws, frames: [], pings: 0, next };
  ws.on('error', () => {}); // `ws` throws on an unheard error event; tests look at 'close'
  ws.on('message', (data) => {
    const frame = data.toString('utf8');
    if (frame === '2') {
      raw.pings++;
      if (answerPings) {
        ws.send('3');
      }
      return;
    }
    raw.frames.push(frame);
    ws.emit('frame');
  });
  function next(ms = STEP_MS) {
    if (raw.frames.length > 0) {
      return Promise.resolve(raw.frames.shift());
    }
    return firstOf(ws, {
      frame: () => raw.frames.shift(),
      close: (code, reason) => {
        throw new Error(`closed with ${code} "${reason}" while a frame was awaited`);
      },
    }, ms);
  }
  return raw;
}

/** The JSON after `prefix` ('0', '40', '42', ...) of an Engine.IO / Socket.IO frame, which must start with it. */
export function jsonAfter(prefix, frame) {
  assert.ok(frame.startsWith(prefix), `expected ${prefix}..., got ${frame.slice(0, 200)}`);
  return JSON.parse(frame.slice(prefix.length));
}

/**
 * A counter's value on a gateway's Prometheus endpoint: the sample named `name` whose labels
 * include `labels`, as in `gateway_connections_closed_total{code="4008",scope="application",} 3.0`.
 */
export async function counter(metricsUrl, name, labels = {}) {
  const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(STEP_MS) });
  assert.equal(res.status, 200, `GET ${metricsUrl}`);
  for (const line of (await res.text()).split('\n')) {
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (sample?.[1] !== name) {
      continue;
    }
    const found = Object.fromEntries([...(sample[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([label, value]) => found[label] === value)) {
      return Number(sample[3]);
    }
  }
  throw new Error(`no sample ${name} ${JSON.stringify(labels)} at ${metricsUrl}`);
}

/** The ws:// URL of a gateway's native endpoint. */
export const nativeUrl = (httpUrl, query) => `${httpUrl.replace(/^http/, 'ws')}/ws?${new URLSearchParams(query)}`;

/**
 * A client of the native protocol at /ws (JSON frames {"event", "id", "data"}; acks
 * {"ack", "data"}), opened with ?token= and connected once the gateway's `connected`
 * event arrived. `frames` emits every parsed frame as 'frame'.
 */
export class NativeClient {
  static async connect(httpUrl, user, { deviceId } = {}) {
    const ws = new WebSocket(nativeUrl(httpUrl, { token: token({ sub: user, deviceId }) }));
    open.add(ws);
    const client = new NativeClient(ws);
    const connected = client.next((f) => f.event === 'connected' || f.event === 'error');
    connected.catch(() => {}); // awaited below, unless the WebSocket fails first
    await firstOf(ws, {
      open: () => undefined,
      error: (err) => {
        throw err;
      },
    });
    const frame = await connected;
    if (frame.event !== 'connected') {
      throw new Error(`native client refused: ${JSON.stringify(frame)}`);
    }
    client.connected = frame.data;
    return client;
  }

  constructor(ws) {
    this.ws = ws;
    this.lastId = 0;
    this.frames = [];
    this.errors = [];
    ws.on('error', (err) => this.errors.push(err)); // `ws` throws on an unheard error event
    ws.on('message', (raw, isBinary) => {
      const frame = isBinary ? { binary: raw } : JSON.parse(raw.toString('utf8'));
      this.frames.push(frame);
      ws.emit('frame', frame);
    });
  }

  /** The next frame (including already received, unconsumed ones) matching `filter`. */
  next(filter, ms = STEP_MS) {
    const index = this.frames.findIndex(filter);
    if (index >= 0) {
      return Promise.resolve(this.frames.splice(index, 1)[0]);
    }
    return nextEvent(this.ws, 'frame', { ms, filter }).then((frame) => {
      this.frames.splice(this.frames.indexOf(frame), 1);
      return frame;
    });
  }

  /** Sends an event with a fresh id and returns the ack's data. */
  async ask(event, data) {
    const id = ++this.lastId;
    const ack = this.next((f) => f.ack === id);
    this.ws.send(JSON.stringify({ event, id, data }));
    return (await ack).data;
  }
}
