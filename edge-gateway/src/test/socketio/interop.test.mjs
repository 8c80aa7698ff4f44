// Socket.IO and native-protocol (/ws, JSON frames) clients in one chat see each other's
// messages, on different gateways and on the same one.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CHATS, GATEWAY_A_URL, GATEWAY_B_URL, NativeClient, ask, closeAll, connectUser, nextEvent, uniq,
} from './helpers.mjs';

afterEach(closeAll);

const chat = CHATS.interop.id;
const [DAVE, ERIN] = CHATS.interop.members;

for (const [label, nativeUrl, sioUrl] of [
  ['native on gw-a, Socket.IO on gw-b', GATEWAY_A_URL, GATEWAY_B_URL],
  ['both on gw-a', GATEWAY_A_URL, GATEWAY_A_URL],
]) {
  test(`native and Socket.IO clients exchange messages both ways (${label})`, async () => {
    const dave = await NativeClient.connect(nativeUrl, DAVE, { deviceId: 'dave-native' });
    assert.equal(dave.connected.userId, DAVE);
    assert.equal(dave.connected.deviceId, 'dave-native');
    const erin = (await connectUser(sioUrl, ERIN, { deviceId: 'erin-sio' })).socket;

    // native -> Socket.IO: {"event":"message:new","id":1,"data":{...}} is acked {"ack":1,"data":{...}}.
    const content = uniq('from-native');
    const tempId = uniq('n');
    const atErin = nextEvent(erin, 'message:new', { filter: (m) => m.content === content });
    const ack = await dave.ask('message:new', { chatId: chat, content, tempId });
    assert.equal(ack.success, true, JSON.stringify(ack));
    assert.equal(ack.message.tempId, tempId);
    assert.equal(ack.message.senderId, DAVE);
    const seenByErin = await atErin;
    assert.equal(seenByErin.id, ack.message.id);
    assert.equal(seenByErin.seq, ack.message.seq);
    assert.equal(seenByErin.senderId, DAVE);
    assert.equal(seenByErin.senderDeviceId, 'dave-native');
    assert.equal(seenByErin.content, content);

    // Socket.IO -> native: {"event":"message:new","data":{...}}.
    const reply = uniq('from-sio');
    const atDave = dave.next((f) => f.event === 'message:new' && f.data?.content === reply);
    const replyAck = await ask(erin, 'message:new', { chatId: chat, content: reply, tempId: uniq('s') });
    assert.equal(replyAck.success, true, JSON.stringify(replyAck));
    const frame = await atDave;
    assert.deepEqual(Object.keys(frame).sort(), ['data', 'event']);
    assert.equal(frame.data.id, replyAck.message.id);
    assert.equal(frame.data.senderId, ERIN);
    assert.equal(frame.data.senderDeviceId, 'erin-sio');
    assert.equal(frame.data.chatId, chat);
    assert.ok(BigInt(frame.data.seq) > BigInt(ack.message.seq));
    assert.deepEqual(dave.errors, []);
  });
}
