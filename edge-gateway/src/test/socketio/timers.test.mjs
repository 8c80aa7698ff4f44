// Engine.IO heartbeats and the server's idle timeout, on gw-b (ping interval 300 ms, ping
// timeout 1500 ms, MAX_IDLE_TIME 4000 ms). The tests run concurrently: each waits on time.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GATEWAY_B_URL, GW_B, closeAll, connectUser, firstOf, sleep } from './helpers.mjs';

after(closeAll);

describe('gw-b timers', { concurrency: true }, () => {
  test('a connection that sends nothing stays up across several ping intervals', async () => {
    const { socket } = await connectUser(GATEWAY_B_URL, 'sio-quiet');
    const engine = socket.io.engine;
    let pings = 0;
    engine.on('ping', () => pings++);
    const disconnects = [];
    socket.on('disconnect', (reason) => disconnects.push(reason));
    // The handshake announced gw-b's timers; the client keeps its own ping timeout from them.
    assert.equal(engine._pingInterval, GW_B.pingInterval);
    assert.equal(engine._pingTimeout, GW_B.pingTimeout);

    await sleep(2200); // what is tested here is the passing of time (below MAX_IDLE_TIME)

    assert.deepEqual(disconnects, []);
    assert.equal(socket.connected, true);
    assert.ok(pings >= 4, `server pinged ${pings} times in 2.2 s at a 300 ms interval`);
    socket.disconnect();
  });

  test('an idle client is disconnected after MAX_IDLE_TIME with "io server disconnect"', async () => {
    const started = Date.now();
    const { socket } = await connectUser(GATEWAY_B_URL, 'sio-idle');
    let pings = 0;
    socket.io.engine.on('ping', () => pings++);
    const reason = await firstOf(socket, { disconnect: (r) => r }, GW_B.maxIdle + 4000);
    const elapsed = Date.now() - started;
    assert.equal(reason, 'io server disconnect');
    assert.ok(elapsed >= GW_B.maxIdle - 500, `disconnected after ${elapsed} ms`);
    assert.ok(pings >= 5, `pinged ${pings} times meanwhile`);
    assert.equal(socket.connected, false);
    assert.equal(socket.active, false, 'a server disconnect is final: no reconnection');
  });
});
