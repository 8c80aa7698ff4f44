// Connection limits, the Origin check and token lifetime with the real socket.io-client,
// on gw-f (no loopback exemption, RATE_LIMIT_MAX_CONNECTIONS=2, JWT_LEEWAY_MS=500,
// JWT_EXPIRY_WARNING_MS=2000, CORS_ORIGIN=https://app.example.com). Each test has users of
// its own, so the per-user attempt budgets do not mix.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import {
  CHATS, GATEWAY_A_URL, GATEWAY_B_URL, GATEWAY_F_URL, GW_F, ask, closeAll, connectUser, nextEvent, record, refusal,
  sioClient, token, uniq,
} from './helpers.mjs';

afterEach(closeAll);

describe('event rate limits', () => {
  test('message:typing past 10 per 10 s is acked RATE_LIMITED with retryAfterMs and not fanned out', async () => {
    const { id: chatId, members: [typistId, watcherId] } = CHATS.limits;
    const { socket: typist } = await connectUser(GATEWAY_A_URL, typistId);
    const { socket: watcher } = await connectUser(GATEWAY_B_URL, watcherId);
    assert.equal((await ask(watcher, 'chat:join', { chatId })).success, true);
    const typing = record(watcher, 'message:typing');

    const acks = [];
    for (let i = 0; i < 12; i++) {
      acks.push(await ask(typist, 'message:typing', { chatId }));
    }
    assert.equal(acks.filter((a) => a.success).length, 10, JSON.stringify(acks));
    for (const refused of acks.slice(10)) {
      assert.equal(refused.error?.code, 'RATE_LIMITED', JSON.stringify(refused));
      assert.ok(refused.error.retryAfterMs > 0 && refused.error.retryAfterMs <= 10000, JSON.stringify(refused));
    }
    // Without an ack, the refusal comes as the error event.
    const error = nextEvent(typist, 'error');
    typist.emit('message:typing', { chatId });
    const e = await error;
    assert.equal(e.code, 'RATE_LIMITED');
    assert.equal(e.event, 'message:typing');
    // The marker: a message after the flood reaches the watcher after any typing it caused.
    const delivered = nextEvent(watcher, 'message:new');
    assert.equal((await ask(typist, 'message:new', { chatId, content: uniq('after-flood') })).success, true);
    await delivered;
    const seen = typing.stop();
    assert.ok(seen.length >= 1 && seen.length <= 10, `${seen.length} typing events`);
  });
});

describe('connection attempts per user', () => {
  test('past RATE_LIMIT_MAX_CONNECTIONS, connect_error carries RATE_LIMITED and retryAfterMs', async () => {
    const user = uniq('sio-lim');
    for (let i = 0; i < GW_F.maxConnections; i++) {
      const { socket } = await connectUser(GATEWAY_F_URL, user);
      socket.disconnect();
    }
    const refused = sioClient(GATEWAY_F_URL, { token: token({ sub: user }) });
    const err = await refusal(refused);
    assert.equal(err.data?.code, 'RATE_LIMITED', JSON.stringify(err.data));
    assert.ok(err.data.retryAfterMs > 0 && err.data.retryAfterMs <= 60000, JSON.stringify(err.data));
    assert.match(err.message, /too many connections/);
    // Another user is not affected.
    await connectUser(GATEWAY_F_URL, uniq('sio-lim-other'));
  });
});

describe('Origin', () => {
  /** The HTTP status of a WebSocket upgrade to gw-f's Socket.IO endpoint with `origin` (101 when it upgrades). */
  function upgradeStatus(origin) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${GATEWAY_F_URL.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`,
        origin ? { origin } : {});
      ws.on('upgrade', (res) => { resolve(res.statusCode); ws.terminate(); });
      ws.on('unexpected-response', (req, res) => { resolve(res.statusCode); req.destroy(); });
      ws.on('error', reject);
    });
  }

  test('the listed origin upgrades, another gets 403, none (a non-browser client) upgrades', async () => {
    assert.equal(await upgradeStatus(GW_F.origin), 101);
    assert.equal(await upgradeStatus('https://evil.example.com'), 403);
    assert.equal(await upgradeStatus(undefined), 101);
  });
});

describe('token lifetime', () => {
  test('auth:expiring comes before exp, then the server disconnects (4440 underneath)', async () => {
    const socket = sioClient(GATEWAY_F_URL, { token: token({ sub: uniq('sio-exp'), expiresIn: 3 }) });
    // Listening from the start: with less than the warning left, auth:expiring follows
    // `connected` at once, possibly in the same read, before a later listener is attached.
    const expiringSoon = nextEvent(socket, 'auth:expiring');
    await nextEvent(socket, 'connected');
    const expiring = await expiringSoon;
    assert.ok(expiring.expiresInMs <= GW_F.warningMs, JSON.stringify(expiring));
    assert.ok(expiring.expiresAt > Date.now() - 1000, JSON.stringify(expiring));
    const error = nextEvent(socket, 'error');
    const reason = await nextEvent(socket, 'disconnect');
    assert.equal(reason, 'io server disconnect');
    assert.equal((await error).message, 'token expired: refresh and reconnect');
    assert.ok(Date.now() >= expiring.expiresAt + GW_F.leewayMs - 50, 'disconnected before exp + leeway');
  });

  test('auth:refresh with a new token of the same user keeps the connection past the old exp', async () => {
    const user = uniq('sio-refresh');
    const socket = sioClient(GATEWAY_F_URL, { token: token({ sub: user, expiresIn: 3 }) });
    const expiringSoon = nextEvent(socket, 'auth:expiring'); // listening from the start, as above
    await nextEvent(socket, 'connected');
    // The marker: a connection whose token expires at least a second later, never refreshed.
    // Its disconnect by the gateway's own timer shows the old expiry has passed there.
    const marker = sioClient(GATEWAY_F_URL, { token: token({ sub: uniq('sio-marker'), expiresIn: 4 }) });
    await nextEvent(marker, 'connected');
    const markerGone = nextEvent(marker, 'disconnect', { ms: 30000 });
    const expiring = await expiringSoon;

    const other = await ask(socket, 'auth:refresh', { token: token({ sub: uniq('sio-mallory') }) });
    assert.equal(other.error?.code, 'FORBIDDEN', JSON.stringify(other));
    const ack = await ask(socket, 'auth:refresh', { token: token({ sub: user, expiresIn: 600 }) });
    assert.equal(ack.success, true, JSON.stringify(ack));
    assert.ok(ack.expiresAt > expiring.expiresAt, JSON.stringify(ack));

    assert.equal(await markerGone, 'io server disconnect');
    const again = await ask(socket, 'auth:refresh', { token: token({ sub: user, expiresIn: 600 }) });
    assert.equal(again.success, true, JSON.stringify(again));
    assert.ok(socket.connected);
  });
});
