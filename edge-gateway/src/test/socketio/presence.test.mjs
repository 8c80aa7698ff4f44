// Presence over Socket.IO, with the real socket.io-client as clients built for the original
// use it: presence:update sets a status and custom status, presence:subscribe answers with
// the presence of the users the caller may see (a chat in common) and nothing of the others,
// and subscribers get presence:update as it changes, across the two gateways; a device
// leaving while another stays shows nothing, the last leaving shows offline after the grace
// period (presence-service's default, 5 s).
//
// "Receives nothing" checks end on a marker: a later change by the same user, which presence
// publishes after the one in question, through the same gateway inbox and connection.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CHATS, GATEWAY_A_URL, GATEWAY_B_URL, ask, closeAll, connectUser, nextEvent, record, uniq } from './helpers.mjs';

afterEach(closeAll);

const [PIA, QUINN] = CHATS.presence.members;
const STRANGER = 'sio-presence-stranger';

describe('presence', () => {
  test('a subscriber on another gateway sees status, custom status and the last device leaving', async () => {
    const { socket: watcher } = await connectUser(GATEWAY_A_URL, QUINN);
    const first = await ask(watcher, 'presence:subscribe', { userIds: [PIA, STRANGER] });
    assert.equal(first.success, true, JSON.stringify(first));
    assert.deepEqual(first.userIds, [PIA], 'only the users the caller may see');
    assert.equal(first.presences[0].userId, PIA);

    const online = nextEvent(watcher, 'presence:update', { filter: (p) => p.userId === PIA && p.status === 'online' });
    const { socket: phone } = await connectUser(GATEWAY_B_URL, PIA, { deviceId: 'pia-phone' });
    await online;
    const { socket: laptop } = await connectUser(GATEWAY_A_URL, PIA, { deviceId: 'pia-laptop' });

    const custom = uniq('🏖️ away');
    const away = nextEvent(watcher, 'presence:update', { filter: (p) => p.customStatus === custom });
    const set = await ask(phone, 'presence:update', { status: 'away', customStatus: custom });
    assert.deepEqual(set, { success: true, status: 'away', customStatus: custom });
    const seen = await away;
    assert.equal(seen.status, 'away');
    assert.match(seen.lastSeen, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    // The phone leaves; the laptop stays: nothing changes for the watcher.
    const changes = record(watcher, 'presence:update');
    phone.disconnect();
    const marker = uniq('marker');
    const markerSeen = nextEvent(watcher, 'presence:update', { filter: (p) => p.customStatus === marker });
    await ask(laptop, 'presence:update', { status: 'away', customStatus: marker });
    await markerSeen;
    assert.deepEqual(changes.stop().filter((p) => p.status === 'offline'), [], 'no offline while a device is left');

    const offline = nextEvent(watcher, 'presence:update', { filter: (p) => p.status === 'offline', ms: 30000 });
    const leftAt = Date.now();
    laptop.disconnect();
    const gone = await offline;
    assert.ok(Date.now() - leftAt >= 4900, 'offline only after the grace period');
    assert.ok(Math.abs(Date.parse(gone.lastSeen) - leftAt) < 1000, 'last seen when the last device left');
    assert.equal(gone.customStatus, marker, 'the custom status stays');
  });

  test('a user the caller shares no chat with stays hidden', async () => {
    const { socket: stranger } = await connectUser(GATEWAY_B_URL, STRANGER);
    const { socket: pia } = await connectUser(GATEWAY_A_URL, PIA, { deviceId: 'pia-web' });
    const answer = await ask(stranger, 'presence:subscribe', { userIds: [PIA, STRANGER] });
    assert.deepEqual(answer.userIds, [STRANGER], 'itself only');

    const seen = record(stranger, 'presence:update');
    await ask(pia, 'presence:update', { status: 'busy' });
    const marker = uniq('stranger-marker');
    const own = nextEvent(stranger, 'presence:update', { filter: (p) => p.customStatus === marker });
    await ask(stranger, 'presence:update', { status: 'online', customStatus: marker });
    await own;
    assert.deepEqual(seen.stop().filter((p) => p.userId === PIA), []);
  });

  test('a custom status that breaks the rules is refused with INVALID_ARGUMENT', async () => {
    const { socket } = await connectUser(GATEWAY_A_URL, QUINN, { deviceId: 'quinn-rules' });
    const bidi = await ask(socket, 'presence:update', { status: 'online', customStatus: 'abc\u202Edef' });
    assert.equal(bidi.success, false);
    assert.equal(bidi.error.code, 'INVALID_ARGUMENT');
    const unknown = await ask(socket, 'presence:update', { status: 'sleeping' });
    assert.equal(unknown.error.code, 'INVALID_ARGUMENT');
  });
});
