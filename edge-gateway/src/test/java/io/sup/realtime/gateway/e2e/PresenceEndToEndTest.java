package io.sup.realtime.gateway.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.ManagedChannel;
import io.sup.realtime.gateway.Main;
import io.sup.realtime.gateway.auth.TestTokens;
import io.sup.realtime.platform.grpc.GrpcChannels;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.presence.PresenceKeys;
import io.sup.realtime.proto.gateway.v1.Caller;
import io.sup.realtime.proto.gateway.v1.ConnectionEvent;
import io.sup.realtime.proto.gateway.v1.ConnectionLifecycleServiceGrpc;
import io.sup.realtime.proto.messaging.v1.ChangeMembersRequest;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

import static io.sup.realtime.gateway.e2e.WsTestClient.isEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Presence through the whole system: real WebSocket clients on two gateway instances, the
 * gateways' real connection reports, presence-service and messaging-service (for who shares
 * a chat) over real gRPC, Redis, and the delivery bus back. "No event" is proved with a
 * marker: a later change of the same user's custom status, published after the moment in
 * question through the same path, so an event that was sent would have arrived before it.
 */
class PresenceEndToEndTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    private static final long GRACE_MS = 1500;
    /** A family emoji: seven code points, one user-visible character. */
    private static final String FAMILY = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67\u200D\uD83D\uDC66";

    private static ServiceHost messaging;
    private static ServiceHost presence;
    private static Main gateway1;
    private static Main gateway2;
    private static UnifiedJedis redis;

    @BeforeAll
    static void startSystem() {
        messaging = TestSystem.messaging(REDIS, 0);
        presence = TestSystem.presence(REDIS, messaging.grpcPort(), "presence.offline.grace.ms", Long.toString(GRACE_MS),
                "presence.shared.chat.cache.ms", "300");
        gateway1 = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-1", "presence.grpc.target", "localhost:" + presence.grpcPort());
        gateway2 = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-2", "presence.grpc.target", "localhost:" + presence.grpcPort());
        redis = REDIS.settings().newClient();
    }

    @AfterAll
    static void stopSystem() {
        gateway1.close();
        gateway2.close();
        presence.close();
        messaging.close();
        redis.close();
    }

    @Test
    void closingOneOfTwoDevicesGivesNoOfflineAndTheLastGivesOneAfterTheGracePeriod() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "p1", "alice", "watcher");
        try (var watcher = WsTestClient.connectAs(gateway1.port(), TestTokens.access("watcher"))) {
            JsonNode ack = watcher.request("presence:subscribe", Map.of("userIds", List.of("alice")));
            assertEquals("offline", ack.at("/presences/0/status").asText(), ack.toString());
            var phone = WsTestClient.connectAs(gateway1.port(), TestTokens.access("alice", "phone"));
            assertEquals("online", watcher.awaitEvent("presence:update").get("status").asText());
            var laptop = WsTestClient.connectAs(gateway2.port(), TestTokens.access("alice", "laptop"));

            phone.close();
            awaitSweptPast("alice", System.currentTimeMillis() + GRACE_MS);
            marker(laptop, watcher, "after the phone left");

            long closedAt = System.currentTimeMillis();
            laptop.close();
            JsonNode offline = watcher.awaitEvent("presence:update");
            long after = System.currentTimeMillis() - closedAt;
            assertEquals("offline", offline.get("status").asText(), offline.toString());
            assertTrue(after >= GRACE_MS - 50, "offline " + after + " ms after the last close, within the grace period");
            long lastSeen = Instant.parse(offline.get("lastSeen").asText()).toEpochMilli();
            assertTrue(lastSeen >= closedAt - 5 && lastSeen < closedAt + 1_000, "last seen is when the last connection ended");
        }
    }

    @Test
    void aQuickReconnectGivesNoEvent() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "p2", "bob", "watcher2");
        try (var watcher = WsTestClient.connectAs(gateway2.port(), TestTokens.access("watcher2"))) {
            watcher.request("presence:subscribe", Map.of("userIds", List.of("bob")));
            var before = WsTestClient.connectAs(gateway1.port(), TestTokens.access("bob", "web"));
            assertEquals("online", watcher.awaitEvent("presence:update").get("status").asText());

            before.close();
            try (var reloaded = WsTestClient.connectAs(gateway2.port(), TestTokens.access("bob", "web"))) {
                awaitSweptPast("bob", System.currentTimeMillis() + GRACE_MS);
                marker(reloaded, watcher, "across a reload");
            }
        }
    }

    @Test
    void aLateCloseReportOfAnOldConnectionDoesNotMakeALiveUserOffline() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "p3", "carol", "watcher3");
        try (var watcher = WsTestClient.connectAs(gateway1.port(), TestTokens.access("watcher3"))) {
            watcher.request("presence:subscribe", Map.of("userIds", List.of("carol")));
            var old = WsTestClient.connect(gateway1.port(), "/ws?token=" + TestTokens.access("carol", "phone"), Map.of());
            JsonNode oldConnection = old.awaitEvent("connected");
            assertEquals("online", watcher.awaitEvent("presence:update").get("status").asText());
            old.close();
            try (var current = WsTestClient.connectAs(gateway2.port(), TestTokens.access("carol", "phone"))) {
                lateCloseReport("carol", oldConnection.get("deviceId").asText(), oldConnection.get("connectionId").asText());
                awaitSweptPast("carol", System.currentTimeMillis() + GRACE_MS);
                marker(current, watcher, "after a late close report");
            }
        }
    }

    @Test
    void awayIsKeptWhenOneDeviceLeaves() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "p4", "dave", "watcher4");
        try (var watcher = WsTestClient.connectAs(gateway2.port(), TestTokens.access("watcher4"));
             var laptop = WsTestClient.connectAs(gateway2.port(), TestTokens.access("dave", "laptop"))) {
            watcher.request("presence:subscribe", Map.of("userIds", List.of("dave")));
            var phone = WsTestClient.connectAs(gateway1.port(), TestTokens.access("dave", "phone"));
            JsonNode set = phone.request("presence:update", Map.of("status", "away"));
            assertTrue(set.get("success").asBoolean(), set.toString());
            assertEquals("away", watcher.awaitEvent("presence:update", d -> d.path("status").asText().equals("away"))
                    .get("status").asText());

            phone.close();
            awaitSweptPast("dave", System.currentTimeMillis() + GRACE_MS);
            marker(laptop, watcher, "after the phone left", "away");
            assertEquals("away", watcher.request("presence:subscribe", Map.of("userIds", List.of("dave")))
                    .at("/presences/0/status").asText(), "dave is still away");
        }
    }

    @Test
    void aNonContactsSubscribeLearnsNothingAndReceivesNothing() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "p5", "erin", "friend5");
        try (var erin = WsTestClient.connectAs(gateway1.port(), TestTokens.access("erin"));
             var friend = WsTestClient.connectAs(gateway2.port(), TestTokens.access("friend5"));
             var stranger = WsTestClient.connectAs(gateway2.port(), TestTokens.access("stranger5"))) {
            JsonNode refused = stranger.request("presence:subscribe", Map.of("userIds", List.of("erin", "no-such-user")));
            assertTrue(refused.get("success").asBoolean(), refused.toString());
            assertEquals(0, refused.path("userIds").size(), refused.toString());
            assertFalse(refused.has("presences") && refused.get("presences").size() > 0, refused.toString());
            friend.request("presence:subscribe", Map.of("userIds", List.of("erin")));
            stranger.request("presence:subscribe", Map.of("userIds", List.of("stranger5")));

            erin.request("presence:update", Map.of("status", "busy", "customStatus", "secret plans"));
            assertEquals("busy", friend.awaitEvent("presence:update").get("status").asText());
            stranger.request("presence:update", Map.of("status", "away")); // its own event: the marker
            stranger.assertNoneBefore(isEvent("presence:update", "userId", "stranger5"),
                    isEvent("presence:update", "userId", "erin"), "presence of a user the stranger may not see");
        }
    }

    @Test
    void removalFromTheSharedChatStopsUpdates() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "p6", "fay", "gus");
        try (var fay = WsTestClient.connectAs(gateway1.port(), TestTokens.access("fay"));
             var gus = WsTestClient.connectAs(gateway2.port(), TestTokens.access("gus"));
             var contact = WsTestClient.connectAs(gateway2.port(), TestTokens.access("gus-contact"))) {
            TestSystem.setContacts(presence.grpcPort(), "fay", "gus-contact");
            assertEquals(1, gus.request("presence:subscribe", Map.of("userIds", List.of("fay"))).get("userIds").size());
            contact.request("presence:subscribe", Map.of("userIds", List.of("fay")));

            TestSystem.admin(messaging.grpcPort(), stub -> stub.removeMembers(
                    ChangeMembersRequest.newBuilder().setChatId("p6").addUserIds("gus").build()));
            // Presence keeps "who shares a chat" 300 ms here: changes stop reaching gus within that.
            gus.request("presence:subscribe", Map.of("userIds", List.of("gus")));
            int[] change = {0};
            Awaitility.await("fay's changes stop reaching gus").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        String custom = "change " + ++change[0];
                        fay.request("presence:update", Map.of("status", "online", "customStatus", custom));
                        contact.awaitEvent("presence:update", d -> d.path("customStatus").asText().equals(custom));
                        return !receivedBeforeOwnChange(gus, custom);
                    });
            for (String custom : List.of("final 1", "final 2")) {
                fay.request("presence:update", Map.of("status", "busy", "customStatus", custom));
                contact.awaitEvent("presence:update", d -> d.path("customStatus").asText().equals(custom));
                assertFalse(receivedBeforeOwnChange(gus, custom), "presence after removal from the shared chat");
            }
        }
    }

    @Test
    void subscriptionsAreReleasedWhenTheConnectionCloses() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "p7", "hal", "ivy", "jo");
        var hal = WsTestClient.connect(gateway1.port(), "/ws?token=" + TestTokens.access("hal"), Map.of());
        String connectionId = hal.awaitEvent("connected").get("connectionId").asText();
        assertEquals(2, hal.request("presence:subscribe", Map.of("userIds", List.of("ivy", "jo"))).get("userIds").size());
        assertTrue(redis.exists(PresenceKeys.subscriptions("hal", connectionId)));
        assertTrue(redis.exists(PresenceKeys.watchers("ivy")));

        hal.close();
        Awaitility.await("hal's subscriptions released").atMost(Duration.ofSeconds(30)).until(() ->
                !redis.exists(PresenceKeys.subscriptions("hal", connectionId))
                        && !redis.exists(PresenceKeys.watchers("ivy")) && !redis.exists(PresenceKeys.watchers("jo")));
    }

    @Test
    void customStatusLimitsCountUserVisibleCharactersAndRefuseBidiOverrides() throws Exception {
        try (var kim = WsTestClient.connectAs(gateway1.port(), TestTokens.access("kim"))) {
            JsonNode hundred = kim.request("presence:update", Map.of("status", "online", "customStatus", FAMILY.repeat(100)));
            assertTrue(hundred.get("success").asBoolean(), hundred.toString());
            assertEquals(FAMILY.repeat(100), hundred.get("customStatus").asText());

            assertRefused(kim.request("presence:update", Map.of("status", "online", "customStatus", FAMILY.repeat(101))),
                    "longer than 100 characters");
            assertRefused(kim.request("presence:update", Map.of("status", "online", "customStatus", "gnp.\u202Eexe")),
                    "bidirectional override");
            kim.sendText("{\"event\":\"presence:update\",\"id\":99,\"data\":{\"status\":\"online\",\"customStatus\":\"\\ud83d\"}}");
            assertRefused(kim.await(f -> f.path("ack").asLong() == 99).get("data"), "");
            assertEquals(FAMILY.repeat(100), kim.request("presence:subscribe", Map.of("userIds", List.of("kim")))
                    .at("/presences/0/customStatus").asText(), "refused updates changed nothing");
        }
    }

    private static void assertRefused(JsonNode ack, String reason) {
        assertFalse(ack.get("success").asBoolean(), ack.toString());
        assertEquals("INVALID_ARGUMENT", ack.at("/error/code").asText(), ack.toString());
        assertTrue(ack.at("/error/message").asText().contains(reason), ack.toString());
    }

    /**
     * {@code device} (a live connection of the watched user) changes its custom status, and
     * the watcher must have received no offline event before that change.
     */
    private static void marker(WsTestClient device, WsTestClient watcher, String when) throws Exception {
        marker(device, watcher, when, "online");
    }

    private static void marker(WsTestClient device, WsTestClient watcher, String when, String status) throws Exception {
        String custom = "marker " + System.nanoTime();
        assertTrue(device.request("presence:update", Map.of("status", status, "customStatus", custom)).get("success").asBoolean());
        watcher.assertNoneBefore(isEvent("presence:update", "customStatus", custom),
                isEvent("presence:update", "status", "offline"), "offline " + when);
    }

    /**
     * Whether {@code watcher} (subscribed to itself) received an event carrying {@code custom}
     * before its own change published now: proof either way, since presence published the
     * other change first and the connection's events arrive in order.
     */
    private static boolean receivedBeforeOwnChange(WsTestClient watcher, String custom) throws Exception {
        String own = "own " + System.nanoTime();
        watcher.request("presence:update", Map.of("status", "online", "customStatus", own));
        return watcher.receivedBefore(isEvent("presence:update", "customStatus", own)).stream()
                .anyMatch(isEvent("presence:update", "customStatus", custom));
    }

    /** Sends presence the close report of a connection that closed already, as a late duplicate. */
    private static void lateCloseReport(String user, String device, String connectionId) {
        ManagedChannel channel = GrpcChannels.forTarget("localhost:" + presence.grpcPort());
        try {
            ConnectionLifecycleServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .connectionClosed(ConnectionEvent.newBuilder().setAtMs(System.currentTimeMillis())
                            .setConnection(Caller.newBuilder().setUserId(user).setDeviceId(device)
                                    .setConnectionId(connectionId).setGatewayInstance("gw-1")).build());
        } finally {
            GrpcChannels.close(channel);
        }
    }

    /** Waits until presence's sweep has looked at {@code user} after {@code moment} (see presence-service's tests). */
    private static void awaitSweptPast(String user, long moment) {
        Awaitility.await("the sweep past " + moment).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    Double due = redis.zscore(PresenceKeys.due(), user);
                    return System.currentTimeMillis() > moment && (due == null || due > moment);
                });
    }
}
