// A slow consumer on the Socket.IO codec, on gw-d (outbound queue of 16 frames, 15 s close
// grace): a client that stops reading while a chat floods it is closed with 4008 by the
// transport only (no DISCONNECT 41), so socket.io-client reconnects by itself; the sender
// goes on unharmed. The tests run one after the other: each waits for gw-d's count of
// slow-consumer closes to grow, which only they make grow.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  CHATS, GATEWAY_D_METRICS_URL, GATEWAY_D_URL, STEP_MS, ask, closeAll, connectUser, counter, firstOf, jsonAfter,
  nextEvent, rawEngineIo, token, uniq,
} from './helpers.mjs';

afterEach(closeAll);

const chat = CHATS.flood.id;
const [HAL, IVY, JO] = CHATS.flood.members;

/**
 * The most 60 KB messages a flood may take (24 MB): the socket buffers on both ends (a few
 * MB here; about 90 messages) and gw-d's 16 frames are full long before.
 */
const FLOOD_LIMIT = 400;
/** Messages in flight at once: the sender's own acks stay well below gw-d's queue of 16. */
const IN_FLIGHT = 4;

/** gw-d's count of connections it closed as slow consumers (close code 4008). */
const slowConsumerCloses = () => counter(GATEWAY_D_METRICS_URL, 'gateway_connections_closed_total', { code: '4008' });

/**
 * Floods the chat from `sender` with 60 KB messages (random, so that no compression shrinks
 * them), IN_FLIGHT at a time, until gw-d has closed a slow consumer since `before`. Every
 * ack must succeed: a slow consumer must not hold up anyone else.
 *
 * @returns {Promise<string[]>} the tags (content prefixes) of the messages sent, in order
 */
async function floodUntilSlowConsumerClosed(sender, before) {
  const sent = [];
  while (await slowConsumerCloses() === before) {
    assert.ok(sent.length < FLOOD_LIMIT, `gw-d closed no slow consumer after ${sent.length} messages of 60 KB`);
    const tags = Array.from({ length: IN_FLIGHT }, () => uniq('flood'));
    const acks = await Promise.all(tags.map((tag) => ask(sender, 'message:new', {
      chatId: chat, content: `${tag} ${randomBytes(45_000).toString('base64')}`,
    })));
    for (const ack of acks) {
      assert.equal(ack.success, true, `the sender's ack: ${JSON.stringify(ack).slice(0, 300)}`);
    }
    sent.push(...tags);
  }
  return sent;
}

/**
 * For a failed flood: reads `ws` again before the error ends the test. Otherwise closing the
 * client afterwards would wait out `ws`'s 30 s closing timeout: the gateway, its writer stuck
 * on the unread socket, would not answer the close.
 */
const resumeAndThrow = (ws) => (err) => {
  ws.resume();
  throw err;
};

test('socket.io-client that stops reading is closed by the transport only ("transport close") and reconnects by itself', async () => {
  const { socket: hal, connected: first } = await connectUser(GATEWAY_D_URL, HAL, { reconnection: true, reconnectionDelay: 100 });
  assert.equal((await ask(hal, 'chat:join', { chatId: chat })).success, true);
  const sender = (await connectUser(GATEWAY_D_URL, IVY)).socket;

  // Stop reading the TCP socket under the websocket transport (`ws`'s pause(): the kernel's
  // buffers fill, then the gateway's writer waits, then its queue overflows).
  const transport = hal.io.engine.transport.ws;
  transport.pause();
  const before = await slowConsumerCloses();
  await floodUntilSlowConsumerClosed(sender, before).catch(resumeAndThrow(transport));

  const disconnected = firstOf(hal, { disconnect: (reason) => reason });
  const reconnected = nextEvent(hal, 'connected', { ms: 2 * STEP_MS });
  transport.resume();
  // Within the close grace the close frame follows what was already on its way.
  assert.equal(await disconnected, 'transport close', 'not "io server disconnect": that would end the session for good');
  const again = await reconnected;
  assert.equal(again.userId, HAL);
  assert.notEqual(again.connectionId, first.connectionId, 'a new connection');
  assert.equal(hal.connected, true);
  // The sender is still served.
  assert.equal((await ask(sender, 'message:new', { chatId: chat, content: uniq('after') })).success, true);
});

test('a raw client that stops reading gets close 4008 "slow consumer" after a prefix of the flood, with no DISCONNECT 41', async () => {
  const raw = rawEngineIo(GATEWAY_D_URL);
  jsonAfter('0', await raw.next());
  raw.ws.send(`40{"token":"${token({ sub: JO })}"}`);
  jsonAfter('40', await raw.next());
  assert.equal(jsonAfter('42', await raw.next())[0], 'connected');
  const sender = (await connectUser(GATEWAY_D_URL, IVY)).socket;

  raw.ws.pause();
  const before = await slowConsumerCloses();
  const sent = await floodUntilSlowConsumerClosed(sender, before).catch(resumeAndThrow(raw.ws));

  const closed = firstOf(raw.ws, { close: (code, reason) => [code, reason.toString()] });
  raw.ws.resume();
  const [code, reason] = await closed;
  assert.equal(code, 4008);
  assert.equal(reason, 'slow consumer');
  assert.equal(raw.frames.indexOf('41'), -1, 'no DISCONNECT 41 before the close');
  // Before the close: events only, the flood's message:new the first ones of it in order (the
  // queue's overflow dropped the rest; the client catches up after reconnecting). Other events
  // may come between them: notification:new for messages of earlier tests sent while this user
  // had no connection (notification-service tells the user once it is connected).
  const received = raw.frames.map((frame) => jsonAfter('42', frame))
    .filter(([event]) => event !== 'notification:new')
    .map(([event, message]) => {
      assert.equal(event, 'message:new', `only the flood's events before the close, got ${event}`);
      return message.content.split(' ')[0];
    });
  assert.deepEqual(received, sent.slice(0, received.length));
  assert.ok(received.length < sent.length, 'some of the flood was dropped');
});
