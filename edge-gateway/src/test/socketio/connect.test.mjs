// Connecting with socket.io-client: the handshake, authentication on CONNECT, refusals as
// connect_error, namespaces, and the HTTP long-polling transport the gateway does not serve.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CHATS, GATEWAY_A_URL, GATEWAY_B_URL, STEP_MS, ask, closeAll, connectUser, nextEvent, refusal, sioClient, token,
} from './helpers.mjs';

afterEach(closeAll);

const chat = CHATS.connect.id;
const [TYPIST, WATCHER] = CHATS.connect.members;

describe('connect with auth: {token}', () => {
  test('connect fires and the gateway emits connected {userId, deviceId, connectionId}', async () => {
    const { socket, connected } = await connectUser(GATEWAY_A_URL, 'sio-conn-1', { deviceId: 'phone-1' });
    assert.equal(socket.connected, true);
    assert.deepEqual(Object.keys(connected).sort(), ['connectionId', 'deviceId', 'userId']);
    assert.equal(connected.userId, 'sio-conn-1');
    assert.equal(connected.deviceId, 'phone-1');
    assert.match(connected.connectionId, /^gw-a\.[0-9a-z]+-[0-9a-z]+$/, '<instance>.<start>-<n>');
    // The CONNECT answer's sid is the connection id.
    assert.equal(socket.id, connected.connectionId);
  });

  test('without a deviceId claim the gateway makes one per connection', async () => {
    const first = await connectUser(GATEWAY_B_URL, 'sio-conn-2');
    const second = await connectUser(GATEWAY_B_URL, 'sio-conn-2');
    for (const { connected } of [first, second]) {
      assert.equal(connected.userId, 'sio-conn-2');
      assert.equal(typeof connected.deviceId, 'string');
      assert.ok(connected.deviceId.length > 0);
      assert.match(connected.connectionId, /^gw-b\./);
    }
    assert.notEqual(first.connected.connectionId, second.connected.connectionId);
    assert.notEqual(first.connected.deviceId, second.connected.deviceId);
  });

  test('the token may also come as ?token= (query option) or an Authorization header', async () => {
    const byQuery = sioClient(GATEWAY_A_URL, { query: { token: token({ sub: 'sio-conn-q' }), deviceId: 'q-device' } });
    const byHeader = sioClient(GATEWAY_B_URL, { extraHeaders: { Authorization: `Bearer ${token({ sub: 'sio-conn-h' })}` } });
    const [q, h] = await Promise.all([nextEvent(byQuery, 'connected'), nextEvent(byHeader, 'connected')]);
    assert.equal(q.userId, 'sio-conn-q');
    assert.equal(q.deviceId, 'q-device', 'the deviceId query parameter is used when the token names none');
    assert.equal(h.userId, 'sio-conn-h');
  });

  test('a deviceId in the CONNECT auth object is used when the token names none', async () => {
    const socket = sioClient(GATEWAY_A_URL, { auth: { token: token({ sub: 'sio-conn-d' }), deviceId: 'web-1' } });
    assert.equal((await nextEvent(socket, 'connected')).deviceId, 'web-1');
  });

  test('a client-side disconnect ("io client disconnect") ends the connection on the server: its typing stops', async () => {
    const typist = (await connectUser(GATEWAY_A_URL, TYPIST)).socket;
    const watcher = (await connectUser(GATEWAY_B_URL, WATCHER)).socket;
    assert.equal((await ask(typist, 'chat:join', { chatId: chat })).success, true);
    assert.equal((await ask(watcher, 'chat:join', { chatId: chat })).success, true);
    const typing = nextEvent(watcher, 'message:typing', { filter: (t) => t.userId === TYPIST });
    assert.equal((await ask(typist, 'message:typing', { chatId: chat })).success, true);
    await typing;

    const reasons = [];
    typist.on('disconnect', (reason) => reasons.push(reason));
    const stopped = nextEvent(watcher, 'message:stop-typing', { filter: (t) => t.userId === TYPIST });
    typist.disconnect();
    assert.deepEqual(reasons, ['io client disconnect']);
    assert.equal(typist.connected, false);
    // The typist never sent message:stop-typing and typing does not expire in the suite: only
    // the gateway's report of the closed connection to messaging-service stops it.
    assert.deepEqual(await stopped, { chatId: chat, userId: TYPIST });
  });
});

describe('refused connections raise connect_error with the gateway reason', () => {
  test('token signed with the wrong secret: "invalid signature"', async () => {
    const socket = sioClient(GATEWAY_A_URL, { token: token({ sub: 'sio-bad-1', secret: 'not-the-gateway-secret' }) });
    const err = await refusal(socket);
    assert.equal(err.message, 'invalid signature');
    assert.equal(socket.connected, false);
  });

  test('expired token: "token expired"', async () => {
    const socket = sioClient(GATEWAY_A_URL, { token: token({ sub: 'sio-bad-2', expiresIn: -3600 }) });
    const err = await refusal(socket);
    assert.equal(err.message, 'token expired');
  });

  test('a token of another type: "token type must be access"', async () => {
    const err = await refusal(sioClient(GATEWAY_A_URL, { token: token({ sub: 'sio-bad-3', type: 'refresh' }) }));
    assert.equal(err.message, 'token type must be access');
  });

  test('no token in auth: "missing token"', async () => {
    const err = await refusal(sioClient(GATEWAY_A_URL, { auth: {} }));
    assert.equal(err.message, 'missing token');
  });

  test('no auth option at all: "missing token"', async () => {
    const err = await refusal(sioClient(GATEWAY_B_URL));
    assert.equal(err.message, 'missing token');
  });

  test('a refused socket can connect again with a good token', async () => {
    const socket = sioClient(GATEWAY_A_URL, { auth: { token: 'garbage' } });
    const err = await refusal(socket);
    assert.equal(err.message, 'malformed token');
    socket.auth = { token: token({ sub: 'sio-retry' }) };
    const connected = nextEvent(socket, 'connected');
    socket.connect();
    assert.equal((await connected).userId, 'sio-retry');
    assert.equal(socket.connected, true);
  });
});

test('an unknown namespace gets connect_error "Invalid namespace"', async () => {
  const socket = sioClient(`${GATEWAY_A_URL}/admin`, { token: token({ sub: 'sio-ns' }) });
  const err = await refusal(socket);
  assert.equal(err.message, 'Invalid namespace');
});

describe('HTTP long-polling is not served', () => {
  test('a polling request gets HTTP 400 with Engine.IO\'s {code: 0, message} naming websocket', async () => {
    const res = await fetch(`${GATEWAY_A_URL}/socket.io/?EIO=4&transport=polling`, { signal: AbortSignal.timeout(STEP_MS) });
    assert.equal(res.status, 400);
    assert.match(res.headers.get('content-type'), /^application\/json/);
    const body = await res.json();
    assert.equal(body.code, 0);
    assert.equal(typeof body.message, 'string');
    assert.match(body.message, /websocket/);
  });

  test('a default socket.io-client (polling first) fails with connect_error instead of hanging', async () => {
    const socket = sioClient(GATEWAY_A_URL, { token: token({ sub: 'sio-poll' }), transports: undefined });
    const err = await refusal(socket);
    assert.equal(err.message, 'xhr poll error');
    assert.equal(err.description, 400); // the HTTP status the polling request got
  });
});
