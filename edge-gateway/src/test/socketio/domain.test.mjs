// The messaging domain through socket.io-client, across the two gateways: receipts, typing,
// reactions and catching up, exactly as the native protocol has them (one event model).
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { CHATS, GATEWAY_A_URL, GATEWAY_B_URL, ask, closeAll, connectUser, nextEvent, uniq } from './helpers.mjs';

afterEach(closeAll);

const chat = CHATS.domain.id;
const [FAY, GUS] = CHATS.domain.members;

test('read receipts, typing, reactions and sync work through Socket.IO', async () => {
  const fay = (await connectUser(GATEWAY_A_URL, FAY)).socket;
  const gus = (await connectUser(GATEWAY_B_URL, GUS)).socket;
  assert.equal((await ask(fay, 'chat:join', { chatId: chat })).success, true);
  assert.equal((await ask(gus, 'chat:join', { chatId: chat })).success, true);

  const content = uniq('domain');
  const atGus = nextEvent(gus, 'message:new', { filter: (m) => m.content === content });
  const sent = await ask(fay, 'message:new', { chatId: chat, content });
  assert.equal(sent.success, true, JSON.stringify(sent));
  const id = (await atGus).id;

  const receipt = nextEvent(fay, 'message:read', { filter: (r) => r.messageIds.includes(id) });
  assert.deepEqual((await ask(gus, 'message:read', { chatId: chat, messageIds: [id] })).messageIds, [id]);
  assert.equal((await receipt).userId, GUS);

  const typing = nextEvent(fay, 'message:typing', { filter: (t) => t.userId === GUS });
  assert.equal((await ask(gus, 'message:typing', { chatId: chat })).success, true);
  await typing;
  const stopped = nextEvent(fay, 'message:stop-typing', { filter: (t) => t.userId === GUS });
  await ask(gus, 'message:stop-typing', { chatId: chat });
  await stopped;

  const reacted = nextEvent(fay, 'reaction:new', { filter: (r) => r.messageId === id });
  assert.equal((await ask(gus, 'reaction:new', { chatId: chat, messageId: id, emoji: '❤' })).emoji, '❤️');
  assert.equal((await reacted).emoji, '❤️');
  const reactions = await ask(fay, 'reaction:get', { chatId: chat, messageId: id });
  assert.deepEqual(reactions.reactions, [{ emoji: '❤️', count: 1, userIds: [GUS] }]);

  const page = await ask(gus, 'message:sync', { chatId: chat, afterSeq: String(Number(id) - 1) });
  assert.equal(page.messages[0].content, content);
  assert.equal(page.hasMore, undefined, 'false is left out, as proto3 JSON does');
});
