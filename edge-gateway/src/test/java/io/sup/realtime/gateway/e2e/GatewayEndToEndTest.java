package io.sup.realtime.gateway.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.sup.realtime.gateway.Main;
import io.sup.realtime.proto.messaging.v1.ChangeMembersRequest;
import io.sup.realtime.proto.messaging.v1.UpdateChatRequest;
import io.sup.realtime.gateway.auth.TestTokens;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.sup.realtime.gateway.e2e.WsTestClient.isEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real path, end to end: WebSocket clients -> two gateway instances -> gRPC ->
 * messaging-service -> Redis -> delivery bus -> gateway -> socket. Everything real; the
 * services share this JVM (each with its own servers and ports) to spare the 2 cores.
 */
class GatewayEndToEndTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static ServiceHost messaging;
    private static Main gateway1;
    private static Main gateway2;

    @BeforeAll
    static void startSystem() {
        // Typing never expires here, so every stop-typing a test sees was asked for or caused
        // by a disconnect; expiry has a test and a messaging-service of its own.
        messaging = TestSystem.messaging(REDIS, 0, "messaging.typing.ttl.ms", "600000");
        gateway1 = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-1");
        gateway2 = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-2");
    }

    @AfterAll
    static void stopSystem() {
        gateway1.close();
        gateway2.close();
        messaging.close();
    }

    private static void chat(String id, String... members) {
        TestSystem.createChat(messaging.grpcPort(), id, members);
    }

    /** The texts of a JSON array, in order. */
    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    @Test
    void messageReachesMemberOnAnotherGatewayWithTheSameServerId() throws Exception {
        chat("c1", "alice", "bob");
        try (var alice = WsTestClient.connectAs(gateway1.port(), TestTokens.access("alice", "phone"));
             var aliceLaptop = WsTestClient.connectAs(gateway2.port(), TestTokens.access("alice", "laptop"));
             var bob = WsTestClient.connectAs(gateway2.port(), TestTokens.access("bob"))) {

            JsonNode ack = alice.request("message:new", Map.of("chatId", "c1", "content", "hello bob", "tempId", "t-1"));

            assertTrue(ack.get("success").asBoolean(), ack.toString());
            JsonNode stored = ack.get("message");
            assertEquals("1", stored.get("id").asText());
            assertEquals("t-1", stored.get("tempId").asText());
            JsonNode received = bob.awaitEvent("message:new");
            assertEquals(stored.get("id").asText(), received.get("id").asText());
            assertEquals("hello bob", received.get("content").asText());
            assertEquals("alice", received.get("senderId").asText());
            assertEquals("phone", received.get("senderDeviceId").asText());
            assertEquals("text", received.get("type").asText());
            assertEquals(stored.get("createdAt").asText(), received.get("createdAt").asText());
            // The sender's other device gets it; the sending connection gets only the ack: bob's
            // answer, published after alice's message, reaches alice with nothing before it.
            assertEquals("1", aliceLaptop.awaitEvent("message:new").get("id").asText());
            bob.request("message:new", Map.of("chatId", "c1", "content", "hi alice"));
            alice.assertNoneBefore(isEvent("message:new", "content", "hi alice"), isEvent("message:new"), "echo to the sender");
        }
    }

    @Test
    void deliveriesOnTheSendersGatewayRideBackInTheResponseInOrderAndOthersGoThroughTheInbox() throws Exception {
        chat("c-local", "alice", "bob", "carol");
        try (var alice = WsTestClient.connectAs(gateway1.port(), TestTokens.access("alice"));
             var bob = WsTestClient.connectAs(gateway1.port(), TestTokens.access("bob"));
             var carol = WsTestClient.connectAs(gateway2.port(), TestTokens.access("carol"))) {
            String returned = "via=\"response\"";
            double before = GatewayMetrics.value(gateway1.observePort(), "bus_frames_total", returned);

            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                JsonNode ack = alice.request("message:new", Map.of("chatId", "c-local", "content", "m" + i));
                assertTrue(ack.get("success").asBoolean(), ack.toString());
                sent.add(ack.at("/message/id").asText());
            }

            // Counted before each response left messaging-service: no wait needed.
            double came = GatewayMetrics.value(gateway1.observePort(), "bus_frames_total", returned) - before;
            assertTrue(came >= 20, "each message's frame for gw-1 rode back in its response: " + came);
            for (WsTestClient member : List.of(bob, carol)) { // bob's frames from the responses, carol's from gw-2's inbox
                List<String> received = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    received.add(member.awaitEvent("message:new", m -> m.path("chatId").asText().equals("c-local"))
                            .get("id").asText());
                }
                assertEquals(sent, received, "in the order they were sent");
            }
        }
    }

    @Test
    void aMessageWithMentionsReachesAnotherMemberWithItsMentionsFilled() throws Exception {
        chat("c-mention", "alice", "bob", "carol");
        try (var alice = WsTestClient.connectAs(gateway1.port(), TestTokens.access("alice"));
             var bob = WsTestClient.connectAs(gateway2.port(), TestTokens.access("bob"))) {

            JsonNode ack = alice.request("message:new", Map.of("chatId", "c-mention",
                    "content", "@carol, can you help bob? (cc me: @alice)", "mentions", List.of("bob", "mallory")));

            assertTrue(ack.get("success").asBoolean(), ack.toString());
            assertEquals(List.of("bob", "carol"), texts(ack.at("/message/mentions")),
                    "the list and the @name, members only, never the sender");
            JsonNode received = bob.awaitEvent("message:new", m -> m.path("chatId").asText().equals("c-mention"));
            assertEquals(List.of("bob", "carol"), texts(received.get("mentions")));
            assertEquals(ack.at("/message/id").asText(), received.get("id").asText());
        }
    }

    @Test
    void membershipChangesAndRenamesReachTheMembersDevices() throws Exception {
        chat("c-admin", "alice");
        try (var alice = WsTestClient.connectAs(gateway1.port(), TestTokens.access("alice"));
             var carol = WsTestClient.connectAs(gateway2.port(), TestTokens.access("carol"))) {
            TestSystem.admin(messaging.grpcPort(), admin -> admin.addMembers(ChangeMembersRequest.newBuilder()
                    .setChatId("c-admin").addUserIds("carol").build()));
            for (WsTestClient member : List.of(alice, carol)) {
                JsonNode joined = member.awaitEvent("chat:member-joined");
                assertEquals("c-admin", joined.get("chatId").asText());
                assertEquals("carol", joined.get("userId").asText());
            }

            TestSystem.admin(messaging.grpcPort(), admin -> admin.updateChat(UpdateChatRequest.newBuilder()
                    .setChatId("c-admin").setTitle("Weekend plans").build()));
            JsonNode updated = carol.awaitEvent("chat:updated");
            assertEquals("Weekend plans", updated.get("title").asText());
            assertEquals(List.of("alice", "carol"), List.of(updated.get("memberIds").get(0).asText(),
                    updated.get("memberIds").get(1).asText()));

            TestSystem.admin(messaging.grpcPort(), admin -> admin.removeMembers(ChangeMembersRequest.newBuilder()
                    .setChatId("c-admin").addUserIds("carol").build()));
            assertEquals("carol", carol.awaitEvent("chat:member-left").get("userId").asText());
            assertEquals("carol", alice.awaitEvent("chat:member-left").get("userId").asText());
            assertEquals("FORBIDDEN", carol.request("chat:join", Map.of("chatId", "c-admin")).at("/error/code").asText());
        }
    }

    @Test
    void readReceiptsReachTheSendersDevicesAcrossGateways() throws Exception {
        chat("c-rcpt", "alice", "bob");
        try (var alice = WsTestClient.connectAs(gateway1.port(), TestTokens.access("alice"));
             var bob = WsTestClient.connectAs(gateway2.port(), TestTokens.access("bob"));
             var carol = WsTestClient.connectAs(gateway2.port(), TestTokens.access("carol"))) {
            String id = alice.request("message:new", Map.of("chatId", "c-rcpt", "content", "read me"))
                    .at("/message/id").asText();
            bob.awaitEvent("message:new");

            JsonNode ack = bob.request("message:read", Map.of("chatId", "c-rcpt", "messageIds", List.of(id)));
            assertTrue(ack.get("success").asBoolean(), ack.toString());
            JsonNode receipt = alice.awaitEvent("message:read");
            assertEquals("bob", receipt.get("userId").asText());
            assertEquals(id, receipt.get("messageIds").get(0).asText());

            // A repeat changes nothing; a non-member is refused; neither tells alice anything:
            // the receipt of a later message is the next thing she hears of reads.
            assertEquals(0, bob.request("message:read", Map.of("chatId", "c-rcpt", "messageIds", List.of(id)))
                    .path("messageIds").size());
            assertEquals("FORBIDDEN", carol.request("message:read", Map.of("chatId", "c-rcpt", "messageIds", List.of(id)))
                    .at("/error/code").asText());
            String later = alice.request("message:new", Map.of("chatId", "c-rcpt", "content", "and me"))
                    .at("/message/id").asText();
            bob.awaitEvent("message:new", m -> m.path("id").asText().equals(later));
            bob.request("message:read", Map.of("chatId", "c-rcpt", "messageIds", List.of(later)));
            List<JsonNode> reads = alice.receivedBefore(f -> isEvent("message:read").test(f)
                    && f.at("/data/messageIds/0").asText().equals(later)).stream().filter(isEvent("message:read")).toList();
            assertEquals(1, reads.size(), "one receipt for the first message, none for the repeat: " + reads);
        }
    }

    @Test
    void typingReachesTheChatRoomOnlyAndStopsOnRequestAndOnDisconnect() throws Exception {
        chat("c-type", "alice", "bob", "dave");
        try (var alice = WsTestClient.connectAs(gateway1.port(), TestTokens.access("alice"));
             var bob = WsTestClient.connectAs(gateway2.port(), TestTokens.access("bob"));
             var dave = WsTestClient.connectAs(gateway2.port(), TestTokens.access("dave"))) {
            alice.request("chat:join", Map.of("chatId", "c-type"));
            bob.request("chat:join", Map.of("chatId", "c-type"));   // dave is a member but not viewing

            assertTrue(alice.request("message:typing", Map.of("chatId", "c-type")).get("success").asBoolean());
            JsonNode typing = bob.awaitEvent("message:typing");
            assertEquals("alice", typing.get("userId").asText());
            alice.request("message:stop-typing", Map.of("chatId", "c-type"));
            assertEquals("alice", bob.awaitEvent("message:stop-typing").get("userId").asText());

            // Typing, then gone: the disconnect stops it.
            bob.request("message:typing", Map.of("chatId", "c-type"));
            assertEquals("bob", alice.awaitEvent("message:typing").get("userId").asText());
            bob.close();
            assertEquals("bob", alice.awaitEvent("message:stop-typing").get("userId").asText());

            // Messages reach every member, room or not, after the typing events published before them.
            alice.request("message:new", Map.of("chatId", "c-type", "content", "to dave"));
            dave.assertNoneBefore(isEvent("message:new", "content", "to dave"),
                    f -> f.path("event").asText().contains("typing"), "typing outside the room");
            dave.request("message:new", Map.of("chatId", "c-type", "content", "to alice"));
            alice.assertNoneBefore(isEvent("message:new", "content", "to alice"),
                    f -> f.path("event").asText().contains("typing") && f.at("/data/userId").asText().equals("alice"),
                    "alice's own typing");
        }
        try (var eve = WsTestClient.connectAs(gateway1.port(), TestTokens.access("eve"))) {
            assertEquals("FORBIDDEN", eve.request("message:typing", Map.of("chatId", "c-type")).at("/error/code").asText());
        }
    }

    @Test
    void typingThatIsNotRefreshedStopsAtItsTtl() throws Exception {
        try (ServiceHost shortTyping = TestSystem.messaging(REDIS, 0, "messaging.typing.ttl.ms", "800");
             Main gateway = TestSystem.gateway(REDIS, shortTyping.grpcPort(), "gw-ttl")) {
            TestSystem.createChat(shortTyping.grpcPort(), "c-ttl", "alice", "bob");
            try (var alice = WsTestClient.connectAs(gateway.port(), TestTokens.access("alice"));
                 var bob = WsTestClient.connectAs(gateway.port(), TestTokens.access("bob"))) {
                bob.request("chat:join", Map.of("chatId", "c-ttl"));
                alice.request("message:typing", Map.of("chatId", "c-ttl"));
                assertEquals("alice", bob.awaitEvent("message:typing").get("userId").asText());
                // Neither refreshed nor stopped, and alice stays connected: only the TTL can stop it.
                assertEquals("alice", bob.awaitEvent("message:stop-typing").get("userId").asText());
                assertTrue(alice.isOpen());
            }
        }
    }

    @Test
    void aReconnectCatchesUpOnFiveHundredMissedMessagesInOrder() throws Exception {
        chat("c-sync", "alice", "bob");
        long lastSeen;
        try (var alice = WsTestClient.connectAs(gateway1.port(), TestTokens.access("alice"));
             var bob = WsTestClient.connectAs(gateway2.port(), TestTokens.access("bob"))) {
            alice.request("message:new", Map.of("chatId", "c-sync", "content", "before"));
            lastSeen = Long.parseLong(bob.awaitEvent("message:new").get("seq").asText());
        }
        // bob is offline while alice sends 500 messages.
        try (var alice = WsTestClient.connectAs(gateway1.port(), TestTokens.access("alice"))) {
            for (int i = 1; i <= 500; i++) {
                Map<String, String> data = Map.of("chatId", "c-sync", "content", "missed " + i);
                if (i % 50 == 0) {
                    alice.request("message:new", data); // an ack every 50: a slow machine waits per batch, not for all 500
                } else {
                    alice.emit("message:new", data);
                }
            }
        }
        try (var bob = WsTestClient.connectAs(gateway2.port(), TestTokens.access("bob"))) {
            List<String> received = new java.util.ArrayList<>();
            long after = lastSeen;
            boolean more = true;
            while (more) {
                JsonNode page = bob.request("message:sync", Map.of("chatId", "c-sync", "afterSeq", after, "limit", 200));
                assertTrue(page.get("success").asBoolean(), page.toString());
                assertFalse(page.path("truncated").asBoolean());
                for (JsonNode m : page.get("messages")) {
                    received.add(m.get("content").asText());
                    after = Long.parseLong(m.get("seq").asText());
                }
                more = page.path("hasMore").asBoolean();
            }
            assertEquals(500, received.size());
            for (int i = 1; i <= 500; i++) {
                assertEquals("missed " + i, received.get(i - 1));
            }
        }
    }

    @Test
    void activeMembersAreThoseViewingTheChatOnAnyGatewayAndJoinMultipleAnswersPerChat() throws Exception {
        chat("c-am", "alice", "bob", "carol");
        chat("c-am-other", "alice");
        try (var alice = WsTestClient.connectAs(gateway1.port(), TestTokens.access("alice"));
             var bob = WsTestClient.connectAs(gateway2.port(), TestTokens.access("bob"));
             var carol = WsTestClient.connectAs(gateway2.port(), TestTokens.access("carol"))) {
            alice.request("chat:join", Map.of("chatId", "c-am"));
            bob.request("chat:join", Map.of("chatId", "c-am"));

            JsonNode active = alice.request("chat:get-active-members", Map.of("chatId", "c-am"));
            assertEquals("[\"alice\",\"bob\"]", active.get("userIds").toString());
            bob.request("chat:leave", Map.of("chatId", "c-am"));
            assertEquals("[\"alice\"]", alice.request("chat:get-active-members", Map.of("chatId", "c-am"))
                    .get("userIds").toString());

            JsonNode many = carol.request("chat:join-multiple",
                    Map.of("chatIds", List.of("c-am", "c-am-other", "bad{id}")));
            assertTrue(many.get("success").asBoolean(), many.toString());
            assertTrue(many.at("/results/0/joined").asBoolean());
            assertEquals("FORBIDDEN", many.at("/results/1/errorCode").asText());
            assertEquals("INVALID_ARGUMENT", many.at("/results/2/errorCode").asText());
            assertEquals("[\"alice\",\"carol\"]", carol.request("chat:get-active-members", Map.of("chatId", "c-am"))
                    .get("userIds").toString());
            assertEquals("FORBIDDEN", bob.request("chat:get-active-members", Map.of("chatId", "c-am-other"))
                    .at("/error/code").asText());
        }
    }

    @Test
    void encryptedRepliesArriveUntouched() throws Exception {
        chat("c-enc", "alice", "bob");
        try (var alice = WsTestClient.connectAs(gateway1.port(), TestTokens.access("alice"));
             var bob = WsTestClient.connectAs(gateway2.port(), TestTokens.access("bob"))) {
            String first = alice.request("message:new", Map.of("chatId", "c-enc", "content", "hi"))
                    .at("/message/id").asText();
            bob.awaitEvent("message:new");
            JsonNode ack = bob.request("message:new", Map.of("chatId", "c-enc", "replyTo", first,
                    "encrypted", Map.of("ciphertext", "c2VjcmV0", "metadata", Map.of("alg", "aes-256-gcm", "iv", "AAEC"))));
            assertTrue(ack.get("success").asBoolean(), ack.toString());
            JsonNode received = alice.awaitEvent("message:new");
            assertEquals("c2VjcmV0", received.at("/encrypted/ciphertext").asText());
            assertEquals("aes-256-gcm", received.at("/encrypted/metadata/alg").asText());
            assertEquals(first, received.get("replyTo").asText());
            assertTrue(received.path("content").isMissingNode(), "no plain content");
        }
    }

    @Test
    void reactionsReachTheChatsMembersAndCountWhoReacted() throws Exception {
        chat("c-rx", "alice", "bob");
        try (var alice = WsTestClient.connectAs(gateway1.port(), TestTokens.access("alice"));
             var bob = WsTestClient.connectAs(gateway2.port(), TestTokens.access("bob"))) {
            String id = alice.request("message:new", Map.of("chatId", "c-rx", "content", "party")).at("/message/id").asText();
            JsonNode ack = bob.request("reaction:new", Map.of("chatId", "c-rx", "messageId", id, "emoji", "🎉"));
            assertTrue(ack.get("success").asBoolean(), ack.toString());
            JsonNode event = alice.awaitEvent("reaction:new");
            assertEquals("🎉", event.get("emoji").asText());
            assertEquals("bob", event.get("userId").asText());
            JsonNode got = alice.request("reaction:get", Map.of("chatId", "c-rx", "messageId", id));
            assertEquals(1, got.at("/reactions/0/count").asInt());
            assertEquals("INVALID_ARGUMENT", bob.request("reaction:new",
                    Map.of("chatId", "c-rx", "messageId", id, "emoji", "👍👍")).at("/error/code").asText());
            bob.request("reaction:remove", Map.of("chatId", "c-rx", "messageId", id, "emoji", "🎉"));
            assertEquals("🎉", alice.awaitEvent("reaction:remove").get("emoji").asText());
        }
    }

    @Test
    void aRetryWithTheSameTempIdAfterADroppedConnectionStoresAndDeliversNothingNew() throws Exception {
        chat("c-retry", "alice", "bob");
        try (var bob = WsTestClient.connectAs(gateway2.port(), TestTokens.access("bob"))) {
            String firstId;
            try (var alice = WsTestClient.connectAs(gateway1.port(), TestTokens.access("alice", "phone"))) {
                firstId = alice.request("message:new", Map.of("chatId", "c-retry", "content", "once", "tempId", "t-77"))
                        .at("/message/id").asText();
            } // the connection drops before the app saw the ack; it retries from another gateway
            assertEquals(firstId, bob.awaitEvent("message:new").get("id").asText());
            try (var again = WsTestClient.connectAs(gateway2.port(), TestTokens.access("alice", "phone"))) {
                JsonNode retry = again.request("message:new", Map.of("chatId", "c-retry", "content", "once", "tempId", "t-77"));
                assertEquals(firstId, retry.at("/message/id").asText());
            }
            try (var alice = WsTestClient.connectAs(gateway1.port(), TestTokens.access("alice", "phone"))) {
                alice.request("message:new", Map.of("chatId", "c-retry", "content", "next", "tempId", "t-78"));
            }
            List<JsonNode> delivered = bob.receivedBefore(isEvent("message:new", "content", "next")).stream()
                    .filter(isEvent("message:new")).toList();
            assertEquals(1, delivered.size(), "the retry was delivered again: " + delivered);
            JsonNode page = bob.request("message:sync", Map.of("chatId", "c-retry", "afterSeq", 0));
            assertEquals(2, page.get("messages").size());
            assertEquals(List.of("once", "next"), List.of(page.at("/messages/0/content").asText(),
                    page.at("/messages/1/content").asText()));
        }
    }

    @Test
    void messagesKeepTheirOrderAndSequence() throws Exception {
        chat("c-order", "alice", "bob");
        try (var alice = WsTestClient.connectAs(gateway1.port(), TestTokens.access("alice"));
             var bob = WsTestClient.connectAs(gateway2.port(), TestTokens.access("bob"))) {
            for (int i = 1; i <= 20; i++) {
                alice.emit("message:new", Map.of("chatId", "c-order", "content", "m" + i));
            }
            for (int i = 1; i <= 20; i++) {
                JsonNode m = bob.awaitEvent("message:new");
                assertEquals("m" + i, m.get("content").asText());
                assertEquals(String.valueOf(i), m.get("seq").asText());
            }
        }
    }

    @Test
    void nonMemberIsRefusedJoinAndSendAndReceivesNothing() throws Exception {
        chat("c2", "alice", "bob");
        chat("c2-with-carol", "alice", "carol");
        try (var alice = WsTestClient.connectAs(gateway1.port(), TestTokens.access("alice"));
             var carol = WsTestClient.connectAs(gateway2.port(), TestTokens.access("carol"))) {
            JsonNode join = carol.request("chat:join", Map.of("chatId", "c2"));
            assertFalse(join.get("success").asBoolean());
            assertEquals("FORBIDDEN", join.at("/error/code").asText());
            assertEquals("not a member of chat c2", join.at("/error/message").asText());

            JsonNode send = carol.request("message:new", Map.of("chatId", "c2", "content", "let me in"));
            assertEquals("FORBIDDEN", send.at("/error/code").asText());
            // Refused, carol is not in c2's room either: room traffic (typing) passes her by.
            alice.request("message:typing", Map.of("chatId", "c2"));

            // An unknown chat answers exactly like a chat one is not in.
            JsonNode unknown = carol.request("chat:join", Map.of("chatId", "no-such-chat"));
            assertEquals("FORBIDDEN", unknown.at("/error/code").asText());
            assertEquals("not a member of chat no-such-chat", unknown.at("/error/message").asText());

            assertTrue(alice.request("message:new", Map.of("chatId", "c2", "content", "members only"))
                    .get("success").asBoolean());
            alice.request("message:new", Map.of("chatId", "c2-with-carol", "content", "for carol"));
            carol.assertNoneBefore(isEvent("message:new", "content", "for carol"),
                    f -> isEvent("message:new").test(f) || f.path("event").asText().contains("typing"),
                    "an event of a chat carol is not in");
        }
    }

    @Test
    void aMemberInTheChatRoomGetsItsTypingAndAfterLeavingNoLonger() throws Exception {
        chat("c3", "alice", "bob");
        try (var alice = WsTestClient.connectAs(gateway1.port(), TestTokens.access("alice"));
             var bob = WsTestClient.connectAs(gateway2.port(), TestTokens.access("bob"))) {
            JsonNode join = alice.request("chat:join", Map.of("chatId", "c3"));
            assertTrue(join.get("success").asBoolean(), join.toString());
            assertEquals("c3", join.get("chatId").asText());
            bob.request("message:typing", Map.of("chatId", "c3"));
            assertEquals("bob", alice.awaitEvent("message:typing").get("userId").asText());
            bob.request("message:stop-typing", Map.of("chatId", "c3"));
            alice.awaitEvent("message:stop-typing");

            assertTrue(alice.request("chat:leave", Map.of("chatId", "c3")).get("success").asBoolean());
            bob.request("message:typing", Map.of("chatId", "c3"));
            bob.request("message:new", Map.of("chatId", "c3", "content", "still a member"));
            List<JsonNode> typing = alice.receivedBefore(isEvent("message:new", "content", "still a member")).stream()
                    .filter(isEvent("message:typing")).toList();
            assertEquals(1, typing.size(), "typing reached alice after she left the room: " + typing);
        }
    }

    @Test
    void badTokenIsRefusedAtConnectWithReasonAndCloseCode() throws Exception {
        try (var client = WsTestClient.connect(gateway1.port(), "/ws?token=not-a-token", Map.of())) {
            JsonNode error = client.awaitEvent("error");
            assertEquals("UNAUTHENTICATED", error.get("code").asText());
            assertEquals("malformed token", error.get("message").asText());
            assertEquals(4401, client.awaitClose());
        }
        String forged = TestTokens.sign(TestTokens.base("alice").build(), "some-other-secret-that-is-long-enough");
        try (var client = WsTestClient.connect(gateway1.port(), "/ws?token=" + forged, Map.of())) {
            assertEquals("invalid signature", client.awaitEvent("error").get("message").asText());
            assertEquals(4401, client.awaitClose());
        }
    }

    @Test
    void tokenIsAcceptedFromAuthorizationHeader() throws Exception {
        try (var client = WsTestClient.connect(gateway1.port(), "/ws",
                Map.of("Authorization", "Bearer " + TestTokens.access("dave", "web")))) {
            JsonNode connected = client.awaitEvent("connected");
            assertEquals("dave", connected.get("userId").asText());
            assertEquals("web", connected.get("deviceId").asText());
            assertTrue(connected.get("connectionId").asText().startsWith("gw-1."));
        }
    }

    @Test
    void tokenIsAcceptedFromAFirstAuthEvent() throws Exception {
        try (var client = WsTestClient.connect(gateway2.port(), "/ws", Map.of())) {
            JsonNode early = client.request("message:new", Map.of("chatId", "c1", "content", "too soon"));
            assertEquals("UNAUTHENTICATED", early.at("/error/code").asText());
            JsonNode ack = client.request("auth", Map.of("token", TestTokens.access("erin"), "deviceId", "cli"));
            assertTrue(ack.get("success").asBoolean(), ack.toString());
            assertEquals("erin", ack.get("userId").asText());
            assertEquals("cli", client.awaitEvent("connected").get("deviceId").asText());
        }
    }

    @Test
    void connectionThatNeverAuthenticatesIsClosedAfterTheDeadline() throws Exception {
        // Its own gateway: a short deadline on the shared ones would race every slow handshake.
        try (Main strict = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-strict", "gateway.auth.timeout.ms", "300");
             var client = WsTestClient.connect(strict.port(), "/ws", Map.of())) {
            JsonNode error = client.awaitEvent("error");
            assertEquals("UNAUTHENTICATED", error.get("code").asText());
            assertEquals("not authenticated within 300 ms", error.get("message").asText());
            assertEquals(4408, client.awaitClose());
        }
    }

    @Test
    void badFramesGetAnErrorAndTheConnectionStaysUp() throws Exception {
        chat("c4", "alice");
        try (var alice = WsTestClient.connectAs(gateway1.port(), TestTokens.access("alice"))) {
            alice.sendText("this is not json");
            assertEquals("INVALID_ARGUMENT", alice.awaitEvent("error").get("code").asText());
            alice.sendText("{\"event\":\"message:new\",\"id\":\"seven\"}");
            assertEquals("INVALID_ARGUMENT", alice.awaitEvent("error").get("code").asText());
            JsonNode wrongType = alice.request("message:new", Map.of("chatId", Map.of("nested", 1), "content", "x"));
            assertEquals("INVALID_ARGUMENT", wrongType.at("/error/code").asText());
            JsonNode empty = alice.request("message:new", Map.of("chatId", "c4", "content", ""));
            assertEquals("content must not be empty", empty.at("/error/message").asText());
            JsonNode unknown = alice.request("no:such-event", Map.of());
            assertEquals("INVALID_ARGUMENT", unknown.at("/error/code").asText());
            assertTrue(alice.request("message:new", Map.of("chatId", "c4", "content", "still here"))
                    .get("success").asBoolean());
        }
    }

    @Test
    void aBinaryFrameIsAnsweredWithAnErrorAndTheConnectionStaysUp() throws Exception {
        chat("c-bin", "alice");
        try (var alice = WsTestClient.connectAs(gateway1.port(), TestTokens.access("alice"))) {
            alice.sendBinary(new byte[] {1, 2, 3});
            JsonNode error = alice.awaitEvent("error");
            assertEquals("INVALID_ARGUMENT", error.get("code").asText());
            assertEquals("binary frames are not supported: send JSON text frames", error.get("message").asText());
            assertTrue(alice.request("message:new", Map.of("chatId", "c-bin", "content", "text is fine"))
                    .get("success").asBoolean());
        }
    }

    @Test
    void aMessageOverTheSizeLimitInUtf8BytesClosesWith1009InOneFrameOrInFragments() throws Exception {
        chat("c-big", "alice");
        try (Main small = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-small", "socketio.max.buffer.size", "4096")) {
            try (var alice = WsTestClient.connectAs(small.port(), TestTokens.access("alice"))) {
                JsonNode fits = alice.request("message:new", Map.of("chatId", "c-big", "content", "x".repeat(3_900)));
                assertTrue(fits.get("success").asBoolean(), "a message under the limit is served");
                alice.sendText("{\"event\":\"message:new\",\"data\":{\"chatId\":\"c-big\",\"content\":\""
                        + "x".repeat(4_100) + "\"}}");
                assertEquals(1009, alice.awaitClose());
            }
            try (var alice = WsTestClient.connectAs(small.port(), TestTokens.access("alice"))) {
                // 2 x 1,050 characters, 4,200 UTF-8 bytes: fragments are joined and counted in bytes.
                alice.sendFragment("{\"event\":\"message:new\",\"data\":{\"chatId\":\"c-big\",\"content\":\""
                        + "é".repeat(1_000), false);
                alice.sendFragment("é".repeat(1_050) + "\"}}", true);
                assertEquals(1009, alice.awaitClose());
            }
        }
    }

    @Test
    void eventsOfAServiceThatIsNotReachableAnswerUnavailable() throws Exception {
        chat("c5", "alice");
        try (var alice = WsTestClient.connectAs(gateway1.port(), TestTokens.access("alice"))) {
            // This gateway's notification-service target is a port nothing listens on.
            for (String event : List.of("notification:get-pending", "notification:clear-all", "push:register")) {
                JsonNode ack = alice.request(event, Map.of());
                assertFalse(ack.get("success").asBoolean(), event);
                assertEquals("UNAVAILABLE", ack.at("/error/code").asText(), event);
            }
        }
    }

    @Test
    void gatewayReportsReadyWithMetrics() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + gateway1.observePort() + "/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ready.statusCode(), ready.body());
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + gateway1.observePort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("gateway_connections_active"), metrics.body());
    }
}
