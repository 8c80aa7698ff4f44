// The exact Engine.IO v4 / Socket.IO v5 frames at /socket.io/, seen with a raw `ws` client:
// what socket.io-client relies on, checked without its tolerance in between.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GATEWAY_A_URL, GATEWAY_C_URL, GATEWAY_E_URL, GW_C, GW_E, STEP_MS, closeAll, firstOf, jsonAfter, rawEngineIo, token,
} from './helpers.mjs';

after(closeAll); // not afterEach: the tests run concurrently

/** Waits for the WebSocket close and returns [code, reason]. */
const closeOf = (ws, ms = STEP_MS) => firstOf(ws, { close: (code, reason) => [code, reason.toString()] }, ms);

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
    assert.deepEqual(jsonAfter('4317', ack)[0].error.code, 'NOT_FOUND'); // call-signalling has no call "x"

    // Socket.IO DISCONNECT from the client: the server closes the WebSocket normally.
    ws.send('41');
    const [code] = await closeOf(ws);
    assert.equal(code, 1000);
  });

  test('a refused CONNECT is 44{"message","data":{"code"}} and the connection stays for another try', async () => {
    const { ws, next } = rawEngineIo(GATEWAY_A_URL);
    jsonAfter('0', await next());
    ws.send('40{"token":"not.a.jwt"}');
    assert.deepEqual(jsonAfter('44', await next()), { message: 'malformed token', data: { code: 'UNAUTHENTICATED' } });
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

  test('Engine.IO v3 (EIO=3) is refused at the upgrade with HTTP 400 and Engine.IO code 5, where EIO=4 opens', async () => {
    const { ws } = rawEngineIo(GATEWAY_A_URL, { eio: '3' });
    const res = await firstOf(ws, {
      'unexpected-response': (req, response) => response,
      open: () => {
        throw new Error('the EIO=3 upgrade was accepted');
      },
      error: (err) => {
        throw err; // e.g. ECONNREFUSED: no answer is not a refusal
      },
    });
    assert.equal(res.statusCode, 400);
    const body = JSON.parse(await new Promise((resolve, reject) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => resolve(text));
      res.on('error', reject);
    }));
    // Engine.IO's own answer to a protocol version it does not speak.
    assert.equal(body.code, 5);
    assert.match(body.message, /^Unsupported protocol version/);
    ws.terminate();
    // The same gateway at the same path upgrades an EIO=4 request: it was the version.
    const v4 = rawEngineIo(GATEWAY_A_URL);
    assert.ok(jsonAfter('0', await v4.next()).sid);
  });

  test('a client that never answers pings is closed with 4001 "heartbeat timeout", without a DISCONNECT 41 first', async () => {
    const raw = rawEngineIo(GATEWAY_E_URL, { answerPings: false });
    const { ws, next } = raw;
    const open = jsonAfter('0', await next());
    assert.equal(open.pingInterval, GW_E.pingInterval);
    assert.equal(open.pingTimeout, GW_E.pingTimeout);
    ws.send(`40{"token":"${token({ sub: 'sio-raw-5' })}"}`);
    jsonAfter('40', await next());
    assert.equal(jsonAfter('42', await next())[0], 'connected');

    const [code, reason] = await closeOf(ws, GW_E.pingInterval + GW_E.pingTimeout + STEP_MS);
    assert.equal(code, 4001);
    assert.equal(reason, 'heartbeat timeout');
    // Only the transport is closed, so socket.io-client reconnects by itself.
    assert.deepEqual(raw.frames, [], 'nothing but pings between the connected event and the close');
    assert.ok(raw.pings >= 1, 'the server pinged before it gave up');
  });

  test('gw-c ends an idle connection that answers its pings with 41, then close 4002 "idle timeout"', async () => {
    const raw = rawEngineIo(GATEWAY_C_URL);
    const { ws, next } = raw;
    const open = jsonAfter('0', await next());
    assert.equal(open.pingInterval, GW_C.pingInterval);
    assert.equal(open.pingTimeout, GW_C.pingTimeout);
    ws.send(`40{"token":"${token({ sub: 'sio-raw-4' })}"}`);
    jsonAfter('40', await next());
    assert.equal(jsonAfter('42', await next())[0], 'connected');

    const closed = closeOf(ws, GW_C.maxIdle + STEP_MS);
    assert.equal(await next(GW_C.maxIdle + STEP_MS), '41');
    // Pongs kept it alive but are not use: it was the idle rule that ended it (4002, not 4001).
    assert.ok(raw.pings >= 1, 'the client answered pings before the 41');
    const [code, reason] = await closed;
    assert.equal(code, 4002);
    assert.equal(reason, 'idle timeout');
  });
});
