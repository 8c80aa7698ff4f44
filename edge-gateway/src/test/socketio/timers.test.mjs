// Engine.IO heartbeats with socket.io-client on gw-e (ping interval 500 ms, ping timeout
// 5000 ms) and the idle timeout on gw-c (the same pings, MAX_IDLE_TIME 4000 ms). The tests
// run concurrently: each waits for the gateway's timers.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  GATEWAY_C_URL, GATEWAY_E_URL, GW_C, GW_E, STEP_MS, closeAll, connectUser, firstOf, nextEvent, sioClient, token,
} from './helpers.mjs';

after(closeAll); // not afterEach: the tests run concurrently

/**
 * Resolves once the client has received `count` Engine.IO pings from now on; rejects if the
 * socket disconnects first (or after `ms`).
 */
function pingsReceived(socket, count, ms) {
  const engine = socket.io.engine;
  return new Promise((resolve, reject) => {
    let pings = 0;
    const timer = setTimeout(() => settle(new Error(`${pings} of ${count} pings within ${ms} ms`)), ms);
    const onPing = () => {
      if (++pings === count) {
        settle();
      }
    };
    const onDisconnect = (reason) => settle(new Error(`disconnected (${reason}) after ${pings} of ${count} pings`));
    engine.on('ping', onPing);
    socket.on('disconnect', onDisconnect);
    function settle(err) {
      clearTimeout(timer);
      engine.off('ping', onPing);
      socket.off('disconnect', onDisconnect);
      if (err) {
        reject(err);
      } else {
        resolve();
      }
    }
  });
}

describe('gw-e and gw-c timers', { concurrency: true }, () => {
  test('a client that sends nothing but pongs outlives the heartbeat timeout', async () => {
    const { socket } = await connectUser(GATEWAY_E_URL, 'sio-quiet');
    const engine = socket.io.engine;
    // The handshake announced gw-e's timers; the client keeps its own ping timeout from them.
    assert.equal(engine._pingInterval, GW_E.pingInterval);
    assert.equal(engine._pingTimeout, GW_E.pingTimeout);

    // The gateway pings at most once per interval, so the Nth ping comes N intervals or more
    // after the connection opened. Were pongs not taken as life, the last sign of it would
    // be the CONNECT, and the gateway would drop the connection interval + timeout after
    // that, before ping (interval + timeout) / interval + 1; one more ping leaves an
    // interval for the CONNECT to have come late.
    const count = Math.floor((GW_E.pingInterval + GW_E.pingTimeout) / GW_E.pingInterval) + 2;
    await pingsReceived(socket, count, count * GW_E.pingInterval + STEP_MS);
    assert.equal(socket.connected, true);
  });

  test('an idle client that answers pings is disconnected with "io server disconnect" and stays disconnected', async () => {
    const socket = sioClient(GATEWAY_C_URL, { token: token({ sub: 'sio-idle' }) });
    let pings = 0;
    socket.io.on('ping', () => pings++); // the Manager's: counted from the handshake on
    const disconnected = firstOf(socket, { disconnect: (r) => r }, GW_C.maxIdle + STEP_MS);
    assert.equal((await nextEvent(socket, 'connected')).userId, 'sio-idle');
    const reason = await disconnected;
    // DISCONNECT 41 first, the gateway's way of ending a session for good (an idle or refused
    // one); a heartbeat timeout would close the transport only ("transport close").
    assert.equal(reason, 'io server disconnect');
    assert.ok(pings >= 1, 'the heartbeat was alive: the client had answered pings');
    assert.equal(socket.connected, false);
    assert.equal(socket.active, false, 'a server disconnect is final: no reconnection');
  });
});
