package io.sup.realtime.gateway.e2e;

import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sup.realtime.gateway.Main;
import io.sup.realtime.gateway.auth.TestTokens;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A client that closes right after sending: its events were sent before its close, so they
 * are handled (in order) even though no ack can reach it, and a connection that closes while
 * it is being authenticated or is joining a chat leaves nothing behind.
 */
class ClosingClientTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void messagesSentJustBeforeAClientClosesAreStillDelivered() throws Exception {
        try (ServiceHost messaging = TestSystem.messaging(REDIS, 0);
             Main gateway = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-close")) {
            TestSystem.createChat(messaging.grpcPort(), "cc1", "alice", "bob");
            try (var bob = WsTestClient.connectAs(gateway.port(), TestTokens.access("bob"))) {
                WsTestClient alice = WsTestClient.connectAs(gateway.port(), TestTokens.access("alice"));
                for (int i = 0; i < 10; i++) {
                    alice.sendText(JSON.writeValueAsString(Map.of("event", "message:new", "id", i + 1,
                            "data", Map.of("chatId", "cc1", "content", "last words " + i))));
                }
                alice.close(); // the close frame follows the ten messages at once
                for (int i = 0; i < 10; i++) {
                    assertEquals("last words " + i, bob.awaitEvent("message:new").get("content").asText());
                }
            }
        }
    }

    /** Waits until {@code user} has no route in the registry: all its connections on the gateway were released. */
    private static void awaitNoRoute(String user) {
        try (UnifiedJedis redis = REDIS.settings().newClient()) {
            await(user + "'s routes gone").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .until(() -> redis.zrange("gw:user:{" + user + "}", 0, -1).isEmpty());
        }
    }

    @Test
    void aConnectionClosedWhileJoiningLeavesNoActiveMember() throws Exception {
        try (ServiceHost messaging = TestSystem.messaging(REDIS, 0);
             Main gateway = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-close2")) {
            TestSystem.createChat(messaging.grpcPort(), "cc2", "alice", "bob", "carol");
            try (var bob = WsTestClient.connectAs(gateway.port(), TestTokens.access("bob"))) {
                for (int i = 0; i < 20; i++) {
                    WsTestClient carol = WsTestClient.connect(gateway.port(), "/ws?token=" + TestTokens.access("carol"), Map.of());
                    carol.sendText(JSON.writeValueAsString(Map.of("event", "chat:join", "id", 1, "data", Map.of("chatId", "cc2"))));
                    // Handled after the join, in order: its delivery to bob says the join is done.
                    carol.sendText(JSON.writeValueAsString(Map.of("event", "message:new", "id", 2,
                            "data", Map.of("chatId", "cc2", "content", "joined " + i))));
                    carol.close();
                }
                for (int i = 0; i < 20; i++) {
                    String content = "joined " + i;
                    bob.awaitEvent("message:new", m -> m.path("content").asText().equals(content));
                }
                awaitNoRoute("carol"); // and every carol connection's close has been cleaned up
                bob.request("chat:join", Map.of("chatId", "cc2"));
                assertEquals("[\"bob\"]", bob.request("chat:get-active-members", Map.of("chatId", "cc2"))
                        .get("userIds").toString());
            }
        }
    }
}
