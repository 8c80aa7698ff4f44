// Calls over Socket.IO, with the real socket.io-client as clients built for the original use
// it: call:initiate rings every device of the callee across the two gateways, the first
// device to answer wins (the caller gets its SDP, the other device stops ringing), ICE
// candidates and end-of-candidates (null) go between the two connections in the call, and a
// hang-up reaches the other party. Who may call whom is presence's visibility rule: a chat in
// common (the suite creates one for the two users here); anyone else is refused FORBIDDEN.
//
// "Receives nothing" checks end on a marker: a later event that call-signalling publishes to
// the same user after the one in question, through the same gateway inbox and connection.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
  CALLS, CALL_TURN_SECRET, CHATS, GATEWAY_A_URL, GATEWAY_B_URL, ask, closeAll, connectUser, nextEvent, record, uniq,
} from './helpers.mjs';

afterEach(closeAll);

const [ANN, BEN] = CHATS.calls.members;
const STRANGER = 'sio-call-stranger'; // shares no chat with either, and is nobody's contact

const OFFER = { type: 'offer', sdp: 'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n' };
const ANSWER = { type: 'answer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=answer\r\n' };
// An RTCIceCandidateInit as a browser's onicecandidate gives it (candidate.toJSON()).
const CANDIDATE = {
  candidate: 'candidate:1 1 udp 2122260223 192.0.2.10 54321 typ host generation 0',
  sdpMid: '0',
  sdpMLineIndex: 0,
  usernameFragment: 'f00d',
};

/**
 * The suite's STUN server, then its TURN servers with a credential minted for `user`: the
 * TURN REST API's username "<expiry, Unix seconds>:<user id>" and base64 HMAC-SHA1 of it.
 */
function assertIceServers(servers, user) {
  assert.ok(Array.isArray(servers), `iceServers is an array: ${JSON.stringify(servers)}`);
  assert.equal(servers.length, 2, JSON.stringify(servers));
  assert.deepEqual(servers[0], { urls: CALLS.stunUrls }, 'STUN has no credential');
  const { urls, username, credential } = servers[1];
  assert.deepEqual(urls, CALLS.turnUrls);
  const [, expiry, owner] = /^(\d+):(.+)$/.exec(username) ?? [];
  assert.equal(owner, user, `the TURN username names the user: ${username}`);
  assert.ok(Number(expiry) > Date.now() / 1000, `the TURN credential is valid for a while: ${username}`);
  assert.equal(credential, createHmac('sha1', CALL_TURN_SECRET).update(username).digest('base64'));
}

describe('calls', () => {
  test('a call rings on two devices on two gateways, one answers, candidates and the hang-up reach the other connection', async () => {
    const { socket: caller } = await connectUser(GATEWAY_A_URL, ANN, { deviceId: 'ann-phone' });
    const { socket: phone } = await connectUser(GATEWAY_A_URL, BEN, { deviceId: 'ben-phone' });
    const { socket: laptop } = await connectUser(GATEWAY_B_URL, BEN, { deviceId: 'ben-laptop' });

    const ringing = [phone, laptop].map((device) => nextEvent(device, 'call:incoming', { filter: (c) => c.callerId === ANN }));
    const initiated = await ask(caller, 'call:initiate', { calleeId: BEN, callType: 'video', offer: OFFER, tempId: uniq('call') });
    assert.equal(initiated.success, true, JSON.stringify(initiated));
    const { callId } = initiated;
    assert.equal(typeof callId, 'string');
    assert.ok(callId.length > 0);
    assert.equal(initiated.state, 'ringing');
    assertIceServers(initiated.iceServers, ANN);
    for (const incoming of await Promise.all(ringing)) {
      assert.equal(incoming.callId, callId);
      assert.equal(incoming.callerId, ANN);
      assert.equal(incoming.callType, 'video');
      assert.deepEqual(incoming.offer, OFFER);
      assertIceServers(incoming.iceServers, BEN);
      assert.match(incoming.ringUntil, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.ok(Date.parse(incoming.ringUntil) > Date.now(), 'rings for a while yet');
    }

    // The laptop (gw-b) answers: the caller (gw-a) gets its SDP, the phone (gw-a) stops ringing.
    const answered = nextEvent(caller, 'call:answer', { filter: (a) => a.callId === callId });
    const stopped = nextEvent(phone, 'call:end', { filter: (e) => e.callId === callId });
    assert.deepEqual(await ask(laptop, 'call:answer', { callId, answer: ANSWER }), { success: true, callId });
    assert.deepEqual(await answered, { callId, answer: ANSWER });
    assert.deepEqual(await stopped, { callId, reason: 'answered_elsewhere' });
    const atPhone = record(phone, 'call:ice-candidate');

    // A candidate from the caller reaches the device that answered, as sent.
    const candidate = nextEvent(laptop, 'call:ice-candidate', { filter: (c) => c.callId === callId });
    assert.deepEqual(await ask(caller, 'call:ice-candidate', { callId, candidate: CANDIDATE }), { success: true, callId });
    assert.deepEqual(await candidate, { callId, fromUserId: ANN, candidate: CANDIDATE });

    // End-of-candidates, both ways: null is relayed as null, not dropped as "absent".
    const endAtLaptop = nextEvent(laptop, 'call:ice-candidate', { filter: (c) => c.callId === callId });
    assert.deepEqual(await ask(caller, 'call:ice-candidate', { callId, candidate: null }), { success: true, callId });
    assert.deepEqual(await endAtLaptop, { callId, fromUserId: ANN, candidate: null });
    const endAtCaller = nextEvent(caller, 'call:ice-candidate', { filter: (c) => c.callId === callId });
    assert.deepEqual(await ask(laptop, 'call:ice-candidate', { callId, candidate: null }), { success: true, callId });
    assert.deepEqual(await endAtCaller, { callId, fromUserId: BEN, candidate: null });

    // The callee hangs up: the caller is told. Every other device of both users is too: the
    // phone's call:end "hangup" is its marker (published after the candidates were relayed).
    const hungUp = nextEvent(caller, 'call:end', { filter: (e) => e.callId === callId });
    const phoneMarker = nextEvent(phone, 'call:end', { filter: (e) => e.callId === callId && e.reason === 'hangup' });
    assert.deepEqual(await ask(laptop, 'call:end', { callId }), { success: true, callId, reason: 'hangup' });
    assert.deepEqual(await hungUp, { callId, reason: 'hangup' });
    await phoneMarker;
    assert.deepEqual(atPhone.stop(), [], 'no candidate for the device that did not answer');
  });

  test('a user who shares no chat with the callee is refused FORBIDDEN, and nothing rings', async () => {
    const { socket: ben } = await connectUser(GATEWAY_B_URL, BEN, { deviceId: 'ben-tablet' });
    const { socket: stranger } = await connectUser(GATEWAY_A_URL, STRANGER);
    const rings = record(ben, 'call:incoming');
    const refused = await ask(stranger, 'call:initiate', { calleeId: BEN, callType: 'audio', offer: OFFER });
    assert.equal(refused.success, false, JSON.stringify(refused));
    assert.equal(refused.error.code, 'FORBIDDEN');
    assert.equal(typeof refused.error.message, 'string');

    // The marker: a call from ann, who may call ben, rings him.
    const { socket: ann } = await connectUser(GATEWAY_A_URL, ANN, { deviceId: 'ann-laptop' });
    const marker = nextEvent(ben, 'call:incoming', { filter: (c) => c.callerId === ANN });
    const call = await ask(ann, 'call:initiate', { calleeId: BEN, callType: 'audio', offer: OFFER });
    assert.equal(call.state, 'ringing', JSON.stringify(call));
    await marker;
    assert.deepEqual(rings.stop().filter((c) => c.callerId === STRANGER), [], 'the refused call did not ring');

    // Nor can the stranger end a call it is not in: to it, there is no such call.
    const notTheirs = await ask(stranger, 'call:end', { callId: call.callId });
    assert.equal(notTheirs.success, false, JSON.stringify(notTheirs));
    assert.equal(notTheirs.error.code, 'NOT_FOUND');
    const cancelled = nextEvent(ben, 'call:end', { filter: (e) => e.callId === call.callId });
    assert.deepEqual(await ask(ann, 'call:end', { callId: call.callId }), { success: true, callId: call.callId, reason: 'cancelled' });
    assert.deepEqual(await cancelled, { callId: call.callId, reason: 'cancelled' });
  });
});
