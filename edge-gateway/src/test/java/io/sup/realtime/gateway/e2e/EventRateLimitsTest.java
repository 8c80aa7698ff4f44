package io.sup.realtime.gateway.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.sup.realtime.gateway.Main;
import io.sup.realtime.gateway.auth.TestTokens;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The original's per-user event limits, end to end through two gateway instances with real
 * WebSocket clients: shared by all of a user's connections on every instance and across a
 * reconnect, refused as {@code RATE_LIMITED} with {@code retryAfterMs} (in the ack, or in
 * the {@code error} event when no ack was asked), other users unaffected, counted in the
 * gateway's metrics by event.
 */
class EventRateLimitsTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static ServiceHost messaging;
    private static Main a;
    private static Main b;

    @BeforeAll
    static void startSystem() {
        // The production defaults: no test overrides.
        messaging = TestSystem.messaging(REDIS, 0, "rate.limits", "");
        a = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-rl-a");
        b = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-rl-b");
    }

    @AfterAll
    static void stopSystem() {
        a.close();
        b.close();
        messaging.close();
    }

    /** A chat of fresh users (so that every test starts with untouched budgets); returns {chat, user...}. */
    private static String[] chatOf(int users) {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String[] ids = new String[users + 1];
        ids[0] = "c-rl-" + tag;
        for (int i = 1; i <= users; i++) {
            ids[i] = "u" + i + "-" + tag;
        }
        TestSystem.createChat(messaging.grpcPort(), ids[0], java.util.Arrays.copyOfRange(ids, 1, ids.length));
        return ids;
    }

    private static WsTestClient as(Main on, String user) throws InterruptedException {
        return WsTestClient.connectAs(on.port(), TestTokens.access(user));
    }

    private static void assertRateLimited(JsonNode ack, long window) {
        assertEquals("RATE_LIMITED", ack.path("error").path("code").asText(), ack.toString());
        long retryAfter = ack.path("error").path("retryAfterMs").asLong();
        assertTrue(retryAfter > 0 && retryAfter <= window, ack.toString());
    }

    @Test
    void fortyMessagesOverTwoInstancesAndAReconnectStoreThirtyAndOtherUsersAreUnaffected() throws Exception {
        String[] c = chatOf(2);
        String chat = c[0];
        String alice = c[1];
        String bob = c[2];
        double refusedBefore = GatewayMetrics.value(a.observePort(), "gateway_rate_limited_total", "event=\"message:new\"");
        List<JsonNode> acks = new ArrayList<>();
        WsTestClient onA = as(a, alice);
        WsTestClient onB = as(b, alice);
        for (int i = 0; i < 10; i++) {
            acks.add(onA.request("message:new", Map.of("chatId", chat, "content", "a" + i)));
            acks.add(onB.request("message:new", Map.of("chatId", chat, "content", "b" + i)));
        }
        onA.close();
        try (WsTestClient again = as(a, alice)) {
            for (int i = 0; i < 20; i++) {
                acks.add(again.request("message:new", Map.of("chatId", chat, "content", "r" + i)));
            }
        }
        onB.close();

        long accepted = acks.stream().filter(ack -> ack.path("success").asBoolean()).count();
        assertEquals(30, accepted, "accepted within a minute");
        acks.stream().filter(ack -> !ack.path("success").asBoolean()).forEach(ack -> assertRateLimited(ack, 60_000));
        try (WsTestClient other = as(b, bob)) {
            assertTrue(other.request("message:new", Map.of("chatId", chat, "content", "mine")).path("success").asBoolean());
            JsonNode page = other.request("message:sync", Map.of("chatId", chat, "afterSeq", 0, "limit", 100));
            assertEquals(31, page.path("messages").size(), "stored: 30 of alice's and bob's one");
        }
        // Both gateways share this JVM's metrics registry: the counter is the sum of both.
        GatewayMetrics.await(a.observePort(), "gateway_rate_limited_total", "event=\"message:new\"",
                v -> v >= refusedBefore + 10);
    }

    /** Each default limit: {@code max} events accepted at once, the next refused. */
    @ParameterizedTest
    @CsvSource({"message:typing, 10, 10000", "message:delivered, 100, 60000", "message:read, 100, 60000",
            "reaction:new, 50, 60000", "reaction:remove, 50, 60000"})
    void eachDefaultLimitRefusesTheEventAfterIt(String event, int max, long window) throws Exception {
        String[] c = chatOf(2);
        try (WsTestClient sender = as(a, c[1]); WsTestClient other = as(b, c[2])) {
            String messageId = other.request("message:new", Map.of("chatId", c[0], "content", "to react to"))
                    .at("/message/id").asText();
            Map<String, Object> data = switch (event) {
                case "message:typing" -> Map.of("chatId", c[0]);
                case "message:delivered", "message:read" -> Map.of("chatId", c[0], "messageIds", List.of(messageId));
                default -> Map.of("chatId", c[0], "messageId", messageId, "emoji", "👍");
            };
            for (int i = 0; i < max; i++) {
                JsonNode ack = sender.request(event, data);
                assertTrue(ack.path("success").asBoolean(), i + ": " + ack);
            }
            assertRateLimited(sender.request(event, data), window);
        }
    }

    @Test
    void aTypingFloodIsDroppedBeforeFanOutAndRefusedInErrorEventsWithoutAcks() throws Exception {
        String[] c = chatOf(2);
        try (WsTestClient typist = as(a, c[1]); WsTestClient watcher = as(b, c[2])) {
            assertTrue(watcher.request("chat:join", Map.of("chatId", c[0])).path("success").asBoolean());
            for (int i = 0; i < 15; i++) {
                typist.emit("message:typing", Map.of("chatId", c[0]));
            }
            for (int i = 0; i < 5; i++) {
                JsonNode error = typist.awaitEvent("error");
                assertEquals("RATE_LIMITED", error.path("code").asText(), error.toString());
                assertEquals("message:typing", error.path("event").asText());
                assertTrue(error.path("retryAfterMs").asLong() > 0, error.toString());
            }
            // The marker: a message the typist sends after the flood reaches the watcher after
            // every typing event the flood caused.
            typist.request("message:new", Map.of("chatId", c[0], "content", "done"));
            long typing = watcher.receivedBefore(WsTestClient.isEvent("message:new"))
                    .stream().filter(WsTestClient.isEvent("message:typing")).count();
            assertTrue(typing >= 1 && typing <= 10, typing + " typing events");
        }
    }
}
