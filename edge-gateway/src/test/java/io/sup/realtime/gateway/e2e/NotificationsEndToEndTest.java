package io.sup.realtime.gateway.e2e;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.sup.realtime.gateway.Main;
import io.sup.realtime.notification.NotificationKeys;
import io.sup.realtime.gateway.auth.TestTokens;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

import static io.sup.realtime.gateway.e2e.CallClient.initiate;
import static io.sup.realtime.gateway.e2e.WsTestClient.isEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Notifications through the whole system: real WebSocket clients on two gateway instances,
 * notification-service reading call-signalling's missed calls and messaging's outbox over
 * real gRPC, Redis, and the delivery bus back. "No event" is proved with a marker: a later
 * event through the same path.
 */
class NotificationsEndToEndTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static ServiceHost messaging;
    private static ServiceHost presence;
    private static ServiceHost calls;
    private static ServiceHost notifications;
    private static Main gateway1;
    private static Main gateway2;
    private static int notificationsPort;
    private static NotificationClient backend;
    private static PushReceiver pushes;

    @BeforeAll
    static void startSystem() {
        messaging = TestSystem.messaging(REDIS, 0);
        presence = TestSystem.presence(REDIS, messaging.grpcPort());
        calls = TestSystem.calls(REDIS, presence.grpcPort());
        notificationsPort = RedisServerExtension.freePort();
        pushes = new PushReceiver();
        notifications = startNotifications();
        gateway1 = gateway("gw-1");
        gateway2 = gateway("gw-2");
        backend = new NotificationClient(notificationsPort);
    }

    /**
     * On a fixed port, so that a restart is where the gateways look; pushing to {@link #pushes}
     * (one attempt each), bursts gathered for 2 s (ample for a test's three sends on a loaded machine).
     */
    static ServiceHost startNotifications() {
        return TestSystem.notifications(REDIS, notificationsPort, messaging.grpcPort(), calls.grpcPort(),
                "notif.webhook.url", pushes.url(), "notif.webhook.secret", PushReceiver.SECRET,
                "notif.webhook.attempts", "1", "notif.push.collapse.ms", "2000");
    }

    static Main gateway(String instance) {
        return TestSystem.gateway(REDIS, messaging.grpcPort(), instance,
                "presence.grpc.target", "localhost:" + presence.grpcPort(),
                "calls.grpc.target", "localhost:" + calls.grpcPort(),
                "notifications.grpc.target", "localhost:" + notificationsPort);
    }

    @AfterAll
    static void stopSystem() {
        backend.close();
        gateway1.close();
        gateway2.close();
        notifications.close();
        pushes.close();
        calls.close();
        presence.close();
        messaging.close();
    }

    static WsTestClient connect(Main gateway, String user, String device) throws InterruptedException {
        return WsTestClient.connectAs(gateway.port(), TestTokens.access(user, device));
    }

    @Test
    void everyDeviceIsToldAtOnceAndTheBadgeFollowsReadsAndClearsOnTheOthers() throws Exception {
        try (var phone = connect(gateway1, "nb1", "phone"); var laptop = connect(gateway2, "nb1", "laptop")) {
            String first = backend.chatNotification("nb1", "team", "You were added to Team");
            for (WsTestClient device : List.of(phone, laptop)) {
                JsonNode n = device.awaitEvent("notification:new");
                assertEquals(first, n.get("id").asText());
                assertEquals("chat", n.get("type").asText());
                assertEquals("normal", n.get("priority").asText());
                assertEquals("You were added to Team", n.get("body").asText());
                assertEquals("team", n.at("/data/chatId").asText());
                assertEquals(1, n.path("badge").asInt());
                assertFalse(n.path("read").asBoolean());
            }
            String second = backend.chatNotification("nb1", "team", "second");
            String third = backend.chatNotification("nb1", "team", "third");

            JsonNode read = phone.request("notification:read", Map.of("notificationId", first));
            assertTrue(read.get("success").asBoolean(), read.toString());
            assertEquals(2, read.path("badge").asInt());
            JsonNode badge = laptop.awaitEvent("notification:badge");
            assertEquals(2, badge.path("badge").asInt());
            assertEquals(read.get("badgeVersion").asText(), badge.get("badgeVersion").asText(),
                    "the event and the ack name the same version of the badge");
            JsonNode newest = laptop.awaitEvent("notification:new", n -> n.get("id").asText().equals(third));
            assertTrue(Long.parseLong(badge.get("badgeVersion").asText())
                    > Long.parseLong(newest.get("badgeVersion").asText()), "a later badge has a higher version");
            assertEquals("read", badge.get("action").asText());
            assertEquals(first, badge.at("/notificationIds/0").asText());

            JsonNode again = phone.request("notification:read", Map.of("notificationIds", List.of(first)));
            assertEquals(2, again.path("badge").asInt(), "idempotent");
            JsonNode cleared = phone.request("notification:clear", Map.of("notificationId", second));
            assertEquals(1, cleared.path("badge").asInt());
            List<JsonNode> beforeClear = laptop.receivedBefore(isEvent("notification:badge", "action", "clear"));
            assertEquals(1, beforeClear.stream().filter(isEvent("notification:badge")).count(),
                    "the repeated read changed nothing and told nobody");
            JsonNode all = laptop.request("notification:clear-all", Map.of());
            assertEquals(2, all.path("cleared").asInt(), "the read one and the third");
            JsonNode allBadge = phone.awaitEvent("notification:badge", b -> b.get("action").asText().equals("clear-all"));
            assertEquals(0, allBadge.path("badge").asInt());
            assertEquals(0, phone.request("notification:get-pending", Map.of()).path("notifications").size());
        }
    }

    @Test
    void aUserOfflineFindsItsNotificationsPageByPageAfterConnecting() throws Exception {
        for (int i = 0; i < 5; i++) {
            backend.chatNotification("nd1", "c" + i, "n" + i);
        }
        try (var dave = connect(gateway1, "nd1", "phone")) {
            JsonNode first = dave.request("notification:get-pending", Map.of("limit", 3));
            assertTrue(first.get("success").asBoolean(), first.toString());
            assertEquals(List.of("n4", "n3", "n2"), bodies(first));
            assertTrue(first.get("hasMore").asBoolean());
            assertEquals(5, first.path("badge").asInt());
            String before = first.at("/notifications/2/id").asText();
            JsonNode rest = dave.request("notification:get-pending", Map.of("limit", 3, "before", before));
            assertEquals(List.of("n1", "n0"), bodies(rest));
            assertFalse(rest.path("hasMore").asBoolean());
            JsonNode tooMany = dave.request("notification:get-pending", Map.of("limit", 500));
            assertEquals("INVALID_ARGUMENT", tooMany.at("/error/code").asText());
        }
    }

    @Test
    void aStrangerCannotReadOrClearSomeoneElsesNotification() throws Exception {
        String bobs = backend.chatNotification("ns1", "c1", "private");
        try (var carol = connect(gateway1, "ns2", "phone"); var bob = connect(gateway2, "ns1", "phone")) {
            for (String event : List.of("notification:read", "notification:clear")) {
                JsonNode refused = carol.request(event, Map.of("notificationId", bobs));
                assertFalse(refused.get("success").asBoolean(), event);
                assertEquals("NOT_FOUND", refused.at("/error/code").asText(), event);
            }
            JsonNode pending = bob.request("notification:get-pending", Map.of());
            assertEquals(List.of("private"), bodies(pending));
            assertFalse(pending.at("/notifications/0/read").asBoolean(), "untouched");
            assertEquals(1, pending.path("badge").asInt());
        }
    }

    @Test
    void aMissedCallBecomesACallNotificationForTheCallee() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "nk1", "nc1", "nc2");
        try (var caller = connect(gateway1, "nc1", "phone")) {
            JsonNode ack = initiate(caller, "nc2", "video");
            assertEquals("unavailable", ack.get("reason").asText(), "the callee has no connection");
        }
        try (var callee = connect(gateway2, "nc2", "phone")) {
            JsonNode pending = pendingOnceThere(callee, 1);
            JsonNode n = pending.at("/notifications/0");
            assertEquals("call", n.get("type").asText());
            assertEquals("high", n.get("priority").asText());
            assertEquals("Missed video call", n.get("title").asText());
            assertEquals("missed", n.at("/data/callKind").asText());
            assertEquals("nc1", n.at("/data/actorId").asText());

            // Rung while connected, and cancelled by the caller: a missed call told at once.
            try (var caller = connect(gateway1, "nc1", "phone")) {
                String callId = initiate(caller, "nc2", "audio").get("callId").asText();
                callee.awaitEvent("call:incoming");
                CallClient.end(caller, callId);
                // (The first missed call may have been told to this device too, had it connected first.)
                JsonNode missed = callee.awaitEvent("notification:new", m -> m.at("/data/callId").asText().equals(callId));
                assertEquals("Missed call", missed.get("title").asText());
                assertEquals(2, missed.path("badge").asInt());
            }
        }
    }

    @Test
    void aMentionAndAReplySentAsRealMessagesNotifyTheirMembers() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "nm", "nm-al", "nm-bo", "nm-ca");
        try (var alice = connect(gateway1, "nm-al", "phone");
             var bobPhone = connect(gateway1, "nm-bo", "phone");
             var bobLaptop = connect(gateway2, "nm-bo", "laptop");
             var carol = connect(gateway2, "nm-ca", "phone")) {
            JsonNode sent = alice.request("message:new", Map.of("chatId", "nm", "content", "lunch, @nm-bo?"));
            assertTrue(sent.get("success").asBoolean(), sent.toString());
            for (WsTestClient device : List.of(bobPhone, bobLaptop)) {
                JsonNode mention = device.awaitEvent("notification:new");
                assertEquals("mention", mention.get("type").asText());
                assertEquals("nm-al mentioned you: lunch, @nm-bo?", mention.get("body").asText());
                assertEquals("nm", mention.at("/data/chatId").asText());
                assertEquals(sent.at("/message/id").asText(), mention.at("/data/messageId").asText());
                assertEquals("nm-al", mention.at("/data/actorId").asText());
            }
            // An explicit mention works for encrypted content too (no preview of it).
            alice.request("message:new", Map.of("chatId", "nm", "mentions", List.of("nm-ca"),
                    "encrypted", Map.of("ciphertext", "b64...", "metadata", Map.of("alg", "x"))));
            JsonNode encrypted = carol.awaitEvent("notification:new");
            assertEquals("nm-al mentioned you", encrypted.get("body").asText());

            String bobsId = bobPhone.request("message:new", Map.of("chatId", "nm", "content", "sure"))
                    .at("/message/id").asText();
            carol.request("message:new", Map.of("chatId", "nm", "content", "me too", "replyTo", bobsId));
            JsonNode reply = bobLaptop.awaitEvent("notification:new", n -> n.get("type").asText().equals("reply"));
            assertEquals("nm-ca replied: me too", reply.get("body").asText());
            // Carol's reply mentions nobody: alice, online, is told nothing; her next mention arrives first.
            bobPhone.request("message:new", Map.of("chatId", "nm", "content", "@nm-al see?"));
            alice.assertNoneBefore(isEvent("notification:new", "type", "mention"), isEvent("notification:new"),
                    "a notification for a member neither mentioned nor replied to");
        }
    }

    @Test
    void aMemberWithNoConnectionGetsAMessageNotificationCollapsedPerChat() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "no", "no-al", "no-da");
        try (var alice = connect(gateway1, "no-al", "phone")) {
            for (String text : List.of("one", "two", "three")) {
                assertTrue(alice.request("message:new", Map.of("chatId", "no", "content", text)).get("success").asBoolean());
            }
        }
        try (var dave = connect(gateway2, "no-da", "phone")) {
            JsonNode n = Awaitility.await("three messages collapsed").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> dave.request("notification:get-pending", Map.of()).at("/notifications/0"),
                            first -> first.path("count").asInt() == 3);
            assertEquals("message", n.get("type").asText());
            assertEquals("no-al: three", n.get("body").asText());
            assertEquals(1, dave.request("notification:get-pending", Map.of()).path("notifications").size());
        }
    }

    @Test
    void aMentionSentWhileNotificationServiceIsDownArrivesWhenItIsBack() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "nr", "nr-al", "nr-bo");
        try (var alice = connect(gateway1, "nr-al", "phone"); var bob = connect(gateway2, "nr-bo", "phone")) {
            notifications.close();
            try {
                JsonNode sent = alice.request("message:new", Map.of("chatId", "nr", "content", "hey @nr-bo"));
                assertTrue(sent.get("success").asBoolean(), "the send does not wait on notifications: " + sent);
                assertEquals("hey @nr-bo", bob.awaitEvent("message:new").get("content").asText());
                assertEquals("UNAVAILABLE", bob.request("notification:get-pending", Map.of()).at("/error/code").asText());
            } finally {
                notifications = startNotifications();
            }
            JsonNode mention = bob.awaitEvent("notification:new");
            assertEquals("mention", mention.get("type").asText());
            assertEquals("nr-al mentioned you: hey @nr-bo", mention.get("body").asText());
            assertEquals(1, pendingOnceThere(bob, 1).path("badge").asInt());
        }
    }

    @Test
    void aDeviceRegisteredForPushGetsOneSignedPushForABurstWhileItsUserIsOffline() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "np", "np-al", "np-er");
        try (var erin = connect(gateway1, "np-er", "phone")) {
            JsonNode registered = erin.request("push:register",
                    Map.of("deviceId", "phone", "provider", "webhook", "token", "fcm-token-np"));
            assertTrue(registered.get("success").asBoolean(), registered.toString());
            JsonNode unknown = erin.request("push:register", Map.of("deviceId", "tab", "provider", "apns", "token", "t"));
            assertEquals("INVALID_ARGUMENT", unknown.at("/error/code").asText(), "only configured providers");
            JsonNode muted = erin.request("notification:mute", Map.of("chatId", "np-muted"));
            assertEquals("np-muted", muted.at("/mutedChats/0/chatId").asText());
        }
        try (var alice = connect(gateway2, "np-al", "phone")) {
            for (String text : List.of("are you there?", "hello?", "call me")) {
                alice.request("message:new", Map.of("chatId", "np", "content", text));
            }
        }
        JsonNode push = pushes.await("fcm-token-np");
        assertEquals("np-er", push.get("userId").asText());
        assertEquals("phone", push.get("deviceId").asText());
        assertEquals(3, push.get("count").asInt(), "three messages, one push");
        assertEquals("chat:np", push.get("collapseKey").asText());
        assertEquals("message", push.at("/notification/type").asText());
        assertEquals("np-al: call me", push.at("/notification/body").asText());
        assertEquals(1, pushes.received("fcm-token-np"), "collapsed: exactly one");
    }

    @Test
    void aMessageToMoreOfflineMembersThanOneCreationTakesNotifiesEachOfThem() throws Exception {
        List<String> members = new java.util.ArrayList<>();
        members.add("nl-al");
        for (int i = 0; i < 1_001; i++) {
            members.add("nl-" + i);
        }
        TestSystem.createChat(messaging.grpcPort(), "nl", members.toArray(String[]::new));
        try (var alice = connect(gateway1, "nl-al", "phone")) {
            assertTrue(alice.request("message:new", Map.of("chatId", "nl", "content", "all hands")).get("success")
                    .asBoolean());
        }
        try (var device = connect(gateway2, "nl-1000", "phone")) {
            assertEquals("nl-al: all hands", pendingOnceThere(device, 1).at("/notifications/0/body").asText());
        }
        // Every one of them, in whichever batch it fell: counted in notification-service's keys.
        List<String> offline = members.subList(1, members.size());
        try (UnifiedJedis redis = REDIS.settings().newClient()) {
            Awaitility.await("a notification for each of the 1,001").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> offline.stream().filter(m -> redis.zcard(NotificationKeys.items(m)) == 1).count(),
                            n -> n == offline.size());
        }
    }

    /** get-pending, asked again until it lists {@code count} notifications (sources are read every 50 ms). */
    static JsonNode pendingOnceThere(WsTestClient client, int count) {
        JsonNode pending = Awaitility.await("get-pending listing " + count).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> client.request("notification:get-pending", Map.of()),
                        p -> p.path("notifications").size() >= count);
        assertEquals(count, pending.path("notifications").size(), pending.toString());
        return pending;
    }

    private static List<String> bodies(JsonNode pending) {
        List<String> bodies = new java.util.ArrayList<>();
        pending.path("notifications").forEach(n -> bodies.add(n.get("body").asText()));
        return bodies;
    }
}
