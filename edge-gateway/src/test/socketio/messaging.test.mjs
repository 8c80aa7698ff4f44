// Events over Socket.IO: message:new acks and delivery across the two gateways, membership
// checks, and the answers for events of other domains, whose domain is not built yet, or
// that do not exist.
//
// "Receives nothing" checks end on a marker, a later message to the same client: the
// messaging service publishes a message's deliveries before it acks it, and a gateway hands
// its inbox to its connections in order, so a forbidden delivery would come before the marker.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CHATS, GATEWAY_A_URL, GATEWAY_B_URL, ask, closeAll, connectUser, nextEvent, record, uniq,
} from './helpers.mjs';

afterEach(closeAll);

const chat = CHATS.room.id;
const [ALICE, BOB] = CHATS.room.members;
const CAROL = CHATS.side.members[1]; // not a member of the room; in the side chat with alice

/**
 * Checks a Message as the gateway renders it (canonical proto3 JSON). `sentBetween`: the
 * clock before the send and after its ack or delivery, which createdAt must lie within.
 */
function assertMessage(message, { chatId, senderId, content, tempId, sentBetween: [before, after] }) {
  assert.equal(typeof message.id, 'string');
  assert.match(message.id, /^[0-9]+$/);
  assert.equal(message.chatId, chatId);
  assert.equal(typeof message.seq, 'string', 'int64 seq is a JSON string');
  assert.match(message.seq, /^[1-9][0-9]*$/);
  assert.equal(message.senderId, senderId);
  assert.equal(message.content, content);
  if (tempId !== undefined) {
    assert.equal(message.tempId, tempId);
  }
  assert.equal(typeof message.createdAt, 'string');
  assert.match(message.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  // One machine, one clock; createdAt has whole milliseconds, as Date.now() has.
  const createdAt = Date.parse(message.createdAt);
  assert.ok(before <= createdAt && createdAt <= after, `createdAt ${message.createdAt} is the time of the send`);
}

describe('message:new', () => {
  test('the ack carries the stored message {id, chatId, seq, senderId, content, tempId, createdAt}', async () => {
    const { socket } = await connectUser(GATEWAY_A_URL, ALICE, { deviceId: 'alice-phone' });
    const tempId = uniq('t');
    const content = uniq('hello');
    const before = Date.now();
    const ack = await ask(socket, 'message:new', { chatId: chat, content, tempId });
    assert.equal(ack.success, true, JSON.stringify(ack));
    assertMessage(ack.message, { chatId: chat, senderId: ALICE, content, tempId, sentBetween: [before, Date.now()] });
    assert.equal(ack.message.senderDeviceId, 'alice-phone');

    // Sequence numbers grow; a repeated tempId returns the stored message again.
    const next = await ask(socket, 'message:new', { chatId: chat, content: uniq('again'), tempId: uniq('t') });
    assert.equal(next.success, true, JSON.stringify(next));
    assert.ok(BigInt(next.message.seq) > BigInt(ack.message.seq));
    const repeat = await ask(socket, 'message:new', { chatId: chat, content, tempId });
    assert.equal(repeat.success, true, JSON.stringify(repeat));
    assert.equal(repeat.message.id, ack.message.id);
  });

  test('acks also reach a plain callback (socket.emit(event, data, ack))', async () => {
    const { socket } = await connectUser(GATEWAY_B_URL, BOB);
    const content = uniq('callback');
    const before = Date.now();
    const ack = await new Promise((resolve) => socket.emit('message:new', { chatId: chat, content }, resolve));
    assert.equal(ack.success, true, JSON.stringify(ack));
    assertMessage(ack.message, { chatId: chat, senderId: BOB, content, sentBetween: [before, Date.now()] });
    assert.equal(ack.message.tempId, undefined, 'no tempId sent, none echoed');
  });

  test('a member on the other gateway receives message:new with the same id and content, both ways', async () => {
    const alice = (await connectUser(GATEWAY_A_URL, ALICE)).socket;
    const bob = (await connectUser(GATEWAY_B_URL, BOB)).socket;

    const content = uniq('a-to-b');
    const received = nextEvent(bob, 'message:new', { filter: (m) => m.content === content });
    const before = Date.now();
    const ack = await ask(alice, 'message:new', { chatId: chat, content, tempId: uniq('t') });
    assert.equal(ack.success, true, JSON.stringify(ack));
    const atBob = await received;
    assertMessage(atBob, { chatId: chat, senderId: ALICE, content, sentBetween: [before, Date.now()] });
    assert.equal(atBob.id, ack.message.id);
    assert.equal(atBob.seq, ack.message.seq);

    const reply = uniq('b-to-a');
    const receivedBack = nextEvent(alice, 'message:new', { filter: (m) => m.content === reply });
    const replyBefore = Date.now();
    const replyAck = await ask(bob, 'message:new', { chatId: chat, content: reply });
    assert.equal(replyAck.success, true, JSON.stringify(replyAck));
    const atAlice = await receivedBack;
    assert.equal(atAlice.id, replyAck.message.id);
    assertMessage(atAlice, { chatId: chat, senderId: BOB, content: reply, sentBetween: [replyBefore, Date.now()] });
  });

  test('the sending connection gets the ack, not the event; the sender\'s other device gets the event', async () => {
    const phone = (await connectUser(GATEWAY_A_URL, ALICE, { deviceId: 'phone' })).socket;
    const laptop = (await connectUser(GATEWAY_B_URL, ALICE, { deviceId: 'laptop' })).socket;
    const atPhone = record(phone, 'message:new');
    const content = uniq('multi-device');
    const atLaptop = nextEvent(laptop, 'message:new', { filter: (m) => m.content === content });
    const ack = await ask(phone, 'message:new', { chatId: chat, content });
    assert.equal(ack.success, true, JSON.stringify(ack));
    assert.equal((await atLaptop).id, ack.message.id);
    // Marker: the laptop's answer reaches the phone after any echo of the phone's message would have.
    const marker = uniq('marker');
    const markerAtPhone = nextEvent(phone, 'message:new', { filter: (m) => m.content === marker });
    assert.equal((await ask(laptop, 'message:new', { chatId: chat, content: marker })).success, true);
    await markerAtPhone;
    assert.deepEqual(atPhone.stop().filter((m) => m.content === content), []);
  });

  test('invalid data is answered INVALID_ARGUMENT', async () => {
    const { socket } = await connectUser(GATEWAY_A_URL, ALICE);
    const empty = await ask(socket, 'message:new', { chatId: chat, content: '' });
    assert.equal(empty.success, false);
    assert.equal(empty.error.code, 'INVALID_ARGUMENT');
    const wrongType = await ask(socket, 'message:new', { chatId: chat, content: 42 });
    assert.equal(wrongType.success, false);
    assert.equal(wrongType.error.code, 'INVALID_ARGUMENT');
  });
});

describe('membership', () => {
  test('a member may chat:join and chat:leave', async () => {
    const { socket } = await connectUser(GATEWAY_B_URL, BOB);
    assert.deepEqual(await ask(socket, 'chat:join', { chatId: chat }), { success: true, chatId: chat });
    assert.deepEqual(await ask(socket, 'chat:leave', { chatId: chat }), { success: true, chatId: chat });
  });

  test('a non-member gets FORBIDDEN for chat:join and message:new, and receives nothing', async () => {
    const carol = (await connectUser(GATEWAY_A_URL, CAROL)).socket;
    const alice = (await connectUser(GATEWAY_A_URL, ALICE)).socket;
    const bob = (await connectUser(GATEWAY_B_URL, BOB)).socket;
    const atCarol = record(carol, 'message:new');
    const atBob = record(bob, 'message:new');

    const join = await ask(carol, 'chat:join', { chatId: chat });
    assert.equal(join.success, false);
    assert.equal(join.error.code, 'FORBIDDEN');
    assert.equal(typeof join.error.message, 'string');

    const intruder = uniq('intruder');
    const send = await ask(carol, 'message:new', { chatId: chat, content: intruder });
    assert.equal(send.success, false);
    assert.equal(send.error.code, 'FORBIDDEN');
    assert.equal(send.message, undefined);

    // A chat that does not exist looks the same as one carol is not in.
    const missing = await ask(carol, 'chat:join', { chatId: 'sio-no-such-chat' });
    assert.equal(missing.error.code, 'FORBIDDEN');

    // A member's message reaches bob on the other gateway, and not carol. It is bob's marker
    // for the refused message; alice's message in the side chat is carol's marker for both.
    const content = uniq('members-only');
    const delivered = nextEvent(bob, 'message:new', { filter: (m) => m.content === content });
    assert.equal((await ask(alice, 'message:new', { chatId: chat, content })).success, true);
    await delivered;
    const marker = uniq('side-marker');
    const markerAtCarol = nextEvent(carol, 'message:new', { filter: (m) => m.content === marker });
    assert.equal((await ask(alice, 'message:new', { chatId: CHATS.side.id, content: marker })).success, true);
    await markerAtCarol;
    assert.deepEqual(atCarol.stop().filter((m) => m.chatId === chat), []);
    assert.deepEqual(atBob.stop().filter((m) => m.content === intruder), [], 'the refused message was not delivered');
  });
});

describe('events of other domains, and unknown events', () => {
  // The call domain's errors come from call-signaling-service (calls.test.mjs has its calls),
  // the notification domain's from notification-service.
  for (const [event, data, code] of [
    ['call:initiate', { chatId: chat, type: 'audio' }, 'INVALID_ARGUMENT'],
    ['call:end', { callId: 'no-such-call' }, 'NOT_FOUND'],
    ['notification:read', { notificationId: 'no-such-notification' }, 'NOT_FOUND'],
    ['push:register', { deviceId: 'phone', provider: 'no-such-provider', token: 't' }, 'INVALID_ARGUMENT'],
  ]) {
    test(`${event} is acked ${code}`, async () => {
      const { socket } = await connectUser(GATEWAY_A_URL, ALICE);
      const ack = await ask(socket, event, data);
      assert.equal(ack.success, false);
      assert.equal(ack.error.code, code);
      assert.equal(typeof ack.error.message, 'string');
    });
  }

  test('an unknown event name is acked INVALID_ARGUMENT', async () => {
    const { socket } = await connectUser(GATEWAY_B_URL, BOB);
    const ack = await ask(socket, 'sio:no-such-event', { x: 1 });
    assert.equal(ack.success, false);
    assert.equal(ack.error.code, 'INVALID_ARGUMENT');
  });

  test('an event whose first argument is not an object still gets its ack (INVALID_ARGUMENT)', async () => {
    const { socket } = await connectUser(GATEWAY_A_URL, ALICE);
    const ack = await ask(socket, 'chat:join', chat);
    assert.equal(ack.success, false);
    assert.equal(ack.error.code, 'INVALID_ARGUMENT');
  });

  test('a failed event without an ack callback is reported as an error event naming it', async () => {
    const { socket } = await connectUser(GATEWAY_A_URL, ALICE);
    const error = nextEvent(socket, 'error');
    socket.emit('sio:no-such-event', {});
    const data = await error;
    assert.equal(data.code, 'INVALID_ARGUMENT');
    assert.equal(data.event, 'sio:no-such-event');
    assert.equal(socket.connected, true, 'the connection stays up');
  });
});
