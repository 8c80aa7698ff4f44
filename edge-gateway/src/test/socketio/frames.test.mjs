// The exact Engine.IO v4 / Socket.IO v5 frames at /socket.io/, seen with a raw `ws` client:
// what socket.io-client relies on, checked without its tolerance in between.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { GATEWAY_A_URL, GATEWAY_B_URL, GW_B, STEP_MS, firstOf, token } from './helpers.mjs';

const sockets = [];
after(() => sockets.forEach((ws) => ws.terminate()));

/** A raw Engine.IO connection that records text frames and answers pings ("2" -> "3"). */
function rawEngineIo(httpUrl, { eio = '4', answerPings = true } = {}) {
  const ws = new WebSocket(`${httpUrl.replace(/^http/, 'ws')}/socket.io/?EIO=${eio}&transport=websocket`);
  sockets.push(ws);
  const frames = [];
  let waiter = null;
  ws.on('error', () => {});
  ws.on('message', (raw) => {
    const frame = raw.toString('utf8');
    if (frame === '2' && answerPings) {
      ws.send('3');
      ws.emit('ping-frame');
      return;
    }
    frames.push(frame);
    if (waiter) {
      waiter();
    }
  });
  /** The next non-ping text frame. */
  async function next(ms = STEP_MS) {
    const deadline = Date.now() + ms;
    while (frames.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`no frame within ${ms} ms`);
      }
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, left);
        waiter = () => { clearTimeout(timer); resolve(); };
      });
      waiter = null;
    }
    return frames.shift();
  }
  return { ws, next };
}

function jsonAfter(prefix, frame) {
  assert.ok(frame.startsWith(prefix), `expected ${prefix}..., got ${frame}`);
  return JSON.parse(frame.slice(prefix.length));
}

describe('raw frames', { concurrency: true }, () => {
  test('open packet, CONNECT, connected event, ack and DISCONNECT as socket.io-client expects', async () => {
    const { ws, next } = rawEngineIo(GATEWAY_A_URL);
    const open = jsonAfter('0', await next());
    assert.deepEqual(Object.keys(open).sort(), ['maxPayload', 'pingInterval', 'pingTimeout', 'sid', 'upgrades']);
    assert.deepEqual(open.upgrades, []);
    assert.equal(open.pingInterval, 25000);
    assert.equal(open.pingTimeout, 60000);
    assert.equal(open.maxPayload, 1048576);

    ws.send(`40${JSON.stringify({ token: token({ sub: 'sio-raw-1', deviceId: 'raw' }) })}`);
    const accepted = jsonAfter('40', await next());
    assert.deepEqual(Object.keys(accepted), ['sid']);
    const [name, connected] = jsonAfter('42', await next());
    assert.equal(name, 'connected');
    assert.deepEqual(connected, { userId: 'sio-raw-1', deviceId: 'raw', connectionId: accepted.sid });

    ws.send('4217["call:end",{"callId":"x"}]');
    const ack = await next();
    assert.match(ack, /^4317\[/);
    assert.deepEqual(jsonAfter('4317', ack)[0].error.code, 'UNIMPLEMENTED');

    // Socket.IO DISCONNECT from the client: the server closes the WebSocket normally.
    ws.send('41');
    const [code] = await firstOf(ws, { close: (c, reason) => [c, reason.toString()] });
    assert.equal(code, 1000);
  });

  test('a refused CONNECT is 44{"message"} and the connection stays for another try', async () => {
    const { ws, next } = rawEngineIo(GATEWAY_A_URL);
    jsonAfter('0', await next());
    ws.send('40{"token":"not.a.jwt"}');
    assert.deepEqual(jsonAfter('44', await next()), { message: 'malformed token' });
    ws.send(`40{"token":"${token({ sub: 'sio-raw-2' })}"}`);
    assert.ok(jsonAfter('40', await next()).sid);
    assert.equal(jsonAfter('42', await next())[0], 'connected');
    ws.close();
  });

  test('an unknown namespace is refused with 44/admin,{"message":"Invalid namespace"}', async () => {
    const { ws, next } = rawEngineIo(GATEWAY_A_URL);
    jsonAfter('0', await next());
    ws.send(`40/admin,{"token":"${token({ sub: 'sio-raw-3' })}"}`);
    assert.equal(await next(), '44/admin,{"message":"Invalid namespace"}');
    ws.close();
  });

  test('Engine.IO v3 (EIO=3) is refused at the upgrade', async () => {
    const { ws } = rawEngineIo(GATEWAY_A_URL, { eio: '3' });
    const status = await firstOf(ws, {
      'unexpected-response': (req, res) => res.statusCode,
      open: () => 'opened',
      error: (err) => err.message,
    });
    assert.notEqual(status, 'opened');
  });

  test('gw-b announces its timers, pings every 300 ms, and ends an idle connection with 41 then close 4002', async () => {
    const { ws, next } = rawEngineIo(GATEWAY_B_URL);
    const open = jsonAfter('0', await next());
    assert.equal(open.pingInterval, GW_B.pingInterval);
    assert.equal(open.pingTimeout, GW_B.pingTimeout);
    ws.send(`40{"token":"${token({ sub: 'sio-raw-4' })}"}`);
    jsonAfter('40', await next());
    jsonAfter('42', await next());

    let pings = 0;
    ws.on('ping-frame', () => pings++);
    const closed = firstOf(ws, { close: (c, reason) => [c, reason.toString()] }, GW_B.maxIdle + 4000);
    assert.equal(await next(GW_B.maxIdle + 3000), '41');
    const [code, reason] = await closed;
    assert.equal(code, 4002);
    assert.equal(reason, 'idle timeout');
    assert.ok(pings >= 5, `answered ${pings} pings`);
  });
});
