package io.sup.realtime.presence;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.gateway.v1.Caller;
import io.sup.realtime.proto.presence.v1.GetPresenceRequest;
import io.sup.realtime.proto.presence.v1.SubscribeRequest;
import io.sup.realtime.proto.presence.v1.UpdatePresenceRequest;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Presence kept per connection and aggregated per user, driven by the reports a gateway
 * sends (real gRPC) and observed where a gateway would see it (its delivery-bus inbox): the
 * last device leaving makes a user offline only after the grace period, a reconnect within
 * it makes no event, a late report never undoes a newer connection, and a user's own status
 * outlives a device. Waits for the sweep on Redis's own state (the schedule entry moving past
 * the moment in question), never for a fixed time.
 */
class PresenceFollowsConnectionsTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    private static final long GRACE_MS = 1500;

    private static RunningPresence system;
    private GatewayInbox watcherGateway;
    private Caller watcher;

    @BeforeAll
    static void start() {
        system = RunningPresence.start(REDIS, "presence.offline.grace.ms", Long.toString(GRACE_MS));
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    /** w, on gateway gw-w, shares a chat with alice and watches her. */
    @BeforeEach
    void watchAlice() {
        system.chat("c-" + System.nanoTime(), "alice", "w");
        watcherGateway = GatewayInbox.of(REDIS, "gw-w");
        watcher = system.opened("w", "gw-w.1");
        var ack = system.events().subscribe(SubscribeRequest.newBuilder().setCaller(watcher).addUserIds("alice").build());
        assertEquals(List.of("alice"), ack.getUserIdsList());
        assertEquals("offline", ack.getPresences(0).getStatus());
    }

    @org.junit.jupiter.api.AfterEach
    void closeInbox() {
        watcherGateway.close();
    }

    @Test
    void closingOneOfTwoDevicesChangesNothingAndTheLastGoesOfflineAfterTheGracePeriod() throws Exception {
        Caller phone = system.opened("alice", "gw-a.1");
        GatewayInbox.Update online = watcherGateway.next();
        assertEquals("online", online.presence().getStatus());
        assertEquals(List.of("gw-w.1"), online.connectionIds());
        Caller laptop = system.opened("alice", "gw-b.1");

        system.closed(phone);
        awaitSweptPast(System.currentTimeMillis() + GRACE_MS);
        watcherGateway.assertNothingSinceLast();
        assertEquals("online", presenceOf("alice").getStatus());

        long closedAt = System.currentTimeMillis();
        system.closed(laptop);
        GatewayInbox.Update offline = watcherGateway.next();
        assertEquals("offline", offline.presence().getStatus());
        assertTrue(offline.receivedAtMs() - closedAt >= GRACE_MS - 50,
                "offline came " + (offline.receivedAtMs() - closedAt) + " ms after the close, before the grace period ended");
        long lastSeen = Instant.parse(offline.presence().getLastSeen()).toEpochMilli();
        assertTrue(lastSeen >= closedAt - 5 && lastSeen <= closedAt + 1_000,
                "last seen " + lastSeen + " is not the time the last connection ended (" + closedAt + ")");
    }

    @Test
    void aReconnectWithinTheGracePeriodMakesNoEvent() throws Exception {
        Caller before = system.opened("alice", "gw-a.1");
        assertEquals("online", watcherGateway.next().presence().getStatus());

        system.closed(before);
        system.opened("alice", "gw-a.2");
        awaitSweptPast(System.currentTimeMillis() + GRACE_MS);
        watcherGateway.assertNothingSinceLast();
        assertEquals("online", presenceOf("alice").getStatus());
    }

    @Test
    void aLateCloseReportOfAnOldConnectionDoesNotMakeALiveUserOffline() throws Exception {
        Caller old = system.opened("alice", "gw-a.1");
        assertEquals("online", watcherGateway.next().presence().getStatus());
        system.closed(old);
        system.opened("alice", "gw-b.7");

        system.closed(old); // the same close, reported again late (or by a retrying sender)
        awaitSweptPast(System.currentTimeMillis() + GRACE_MS);
        watcherGateway.assertNothingSinceLast();
        assertEquals("online", presenceOf("alice").getStatus());
    }

    @Test
    void aLateOpenedReportDoesNotReviveAClosedConnection() throws Exception {
        Caller only = system.opened("alice", "gw-a.1");
        assertEquals("online", watcherGateway.next().presence().getStatus());
        system.closed(only);
        system.opened("alice", "gw-a.1"); // overtaken by its close
        system.alive(only);

        assertEquals("offline", watcherGateway.next().presence().getStatus());
    }

    @Test
    void awayIsKeptWhenOneDeviceLeaves() throws Exception {
        Caller phone = system.opened("alice", "gw-a.1");
        assertEquals("online", watcherGateway.next().presence().getStatus());
        system.opened("alice", "gw-b.1");
        system.events().updatePresence(UpdatePresenceRequest.newBuilder().setCaller(phone).setStatus("away").build());
        assertEquals("away", watcherGateway.next().presence().getStatus());

        system.closed(phone);
        awaitSweptPast(System.currentTimeMillis() + GRACE_MS);
        watcherGateway.assertNothingSinceLast();
        assertEquals("away", presenceOf("alice").getStatus());
    }

    @Test
    void appearingOfflineShowsOfflineWhileConnectedAndHidesLaterActivity() throws Exception {
        Caller phone = system.opened("alice", "gw-a.1");
        assertEquals("online", watcherGateway.next().presence().getStatus());
        system.events().updatePresence(UpdatePresenceRequest.newBuilder().setCaller(phone).setStatus("offline").build());
        GatewayInbox.Update invisible = watcherGateway.next();
        assertEquals("offline", invisible.presence().getStatus());

        system.closed(phone);
        awaitSweptPast(System.currentTimeMillis() + GRACE_MS);
        watcherGateway.assertNothingSinceLast();
        assertEquals(invisible.presence().getLastSeen(), presenceOf("alice").getLastSeen());
    }

    private static io.sup.realtime.proto.presence.v1.Presence presenceOf(String user) {
        return system.admin().getPresence(GetPresenceRequest.newBuilder().setUserId(user).build());
    }

    /**
     * Waits until the sweep has looked at alice after {@code moment}: her schedule entry is
     * gone or later than it (the sweep reschedules only after settling her).
     */
    private static void awaitSweptPast(long moment) {
        Awaitility.await("the sweep past " + moment).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    Double due = system.redis().zscore(PresenceKeys.due(), "alice");
                    return System.currentTimeMillis() > moment && (due == null || due > moment);
                });
        assertFalse(system.redis().hexists(PresenceKeys.state("alice"), "graceUntil") && presenceOf("alice")
                .getStatus().equals("offline"), "a grace period outlived its end");
    }
}
