package io.sup.realtime.gateway.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.sup.realtime.gateway.Main;
import io.sup.realtime.gateway.auth.TestTokens;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults, for real: Redis restarted under a running system, messaging-service stopped and
 * started again. Clients get clear errors meanwhile, connections stay up, and messages flow
 * again afterwards without anyone reconnecting.
 */
class GatewayFaultTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static ServiceHost startMessaging(int grpcPort) {
        return TestSystem.messaging(REDIS, grpcPort);
    }

    private static Main startGateway(String instance, int messagingPort) {
        // Short route TTL so the heartbeat re-registers routes within a second of Redis coming back.
        return TestSystem.gateway(REDIS, messagingPort, instance, "bus.route.ttl.ms", "1500");
    }

    private static void createChat(int messagingPort, String id, String... members) {
        TestSystem.createChat(messagingPort, id, members);
    }

    @Test
    void messagingServiceDownGivesUnavailableAndRecovers() throws Exception {
        int port = RedisServerExtension.freePort();
        ServiceHost messaging = startMessaging(port);
        createChat(port, "f1", "alice", "bob");
        try (Main gateway = startGateway("gw-f1", port);
             var alice = WsTestClient.connectAs(gateway.port(), TestTokens.access("alice"));
             var bob = WsTestClient.connectAs(gateway.port(), TestTokens.access("bob"))) {
            messaging.close();
            JsonNode down = alice.request("message:new", Map.of("chatId", "f1", "content", "anyone?"));
            assertEquals("UNAVAILABLE", down.at("/error/code").asText(), down.toString());
            assertEquals("service unavailable, retry later", down.at("/error/message").asText());

            messaging = startMessaging(port);
            JsonNode up = awaitSuccess(alice, Map.of("chatId", "f1", "content", "back"));
            assertEquals("back", bob.awaitEvent("message:new").get("content").asText(), up.toString());
        } finally {
            messaging.close();
        }
    }

    @Test
    void redisRestartKeepsConnectionsAndDeliveryResumes() throws Exception {
        int port = RedisServerExtension.freePort();
        ServiceHost messaging = startMessaging(port);
        createChat(port, "f2", "alice", "bob");
        try (Main gateway1 = startGateway("gw-f2a", port);
             Main gateway2 = startGateway("gw-f2b", port);
             var alice = WsTestClient.connectAs(gateway1.port(), TestTokens.access("alice"));
             var bob = WsTestClient.connectAs(gateway2.port(), TestTokens.access("bob"))) {
            assertTrue(alice.request("message:new", Map.of("chatId", "f2", "content", "before")).get("success").asBoolean());
            assertEquals("before", bob.awaitEvent("message:new").get("content").asText());

            REDIS.restart();

            // Chats survive (AOF); sends succeed again once clients reconnect to Redis, and
            // delivery resumes once the inbox re-subscribes and the heartbeat re-registers routes.
            awaitSuccess(alice, Map.of("chatId", "f2", "content", "probe"));
            Instant deadline = Instant.now().plusSeconds(60);
            String seen = null;
            int n = 0;
            while (Instant.now().isBefore(deadline) && !"after".equals(seen)) {
                alice.request("message:new", Map.of("chatId", "f2", "content", "after"));
                try {
                    seen = bob.await(f -> "message:new".equals(f.path("event").asText())
                            && "after".equals(f.at("/data/content").asText())).at("/data/content").asText();
                } catch (AssertionError notYet) {
                    n++;
                }
            }
            assertEquals("after", seen, "delivery did not resume after " + n + " tries");
        } finally {
            messaging.close();
        }
    }

    @Test
    void connectingWhileRedisIsDownIsAskedToComeBackLater() throws Exception {
        int port = RedisServerExtension.freePort();
        ServiceHost messaging = startMessaging(port);
        try (Main gateway = startGateway("gw-f3", port)) {
            REDIS.stop();
            try (var client = WsTestClient.connect(gateway.port(), "/ws?token=" + TestTokens.access("alice"), Map.of())) {
                JsonNode error = client.awaitEvent("error");
                assertEquals("UNAVAILABLE", error.get("code").asText());
                assertEquals("service unavailable, retry later", error.get("message").asText());
                assertEquals(1013, client.awaitClose());
                // Socket.IO clients see why in CONNECT_ERROR (socket.io-client drops events before CONNECT).
                try (var sio = WsTestClient.socketIoOpen(gateway.port())) {
                    sio.sendText("40{\"token\":\"" + TestTokens.access("alice") + "\"}");
                    String refusal = sio.awaitRaw("44");
                    assertTrue(refusal.contains("\"code\":\"UNAVAILABLE\""), refusal);
                    assertEquals(1013, sio.awaitClose());
                }
            } finally {
                REDIS.startAgain();
            }
            try (var client = WsTestClient.connectAs(gateway.port(), TestTokens.access("alice"))) {
                // As a client told "retry later" does: messaging-service's pooled connections died
                // with the old Redis, and the first call that meets one drops them all.
                String code = "";
                for (int attempt = 0; attempt < 3 && !"FORBIDDEN".equals(code); attempt++) {
                    code = client.request("chat:join", Map.of("chatId", "none")).at("/error/code").asText();
                }
                assertEquals("FORBIDDEN", code, "served again: the join reached messaging-service, which refused it");
            }
        } finally {
            messaging.close();
        }
    }

    private static JsonNode awaitSuccess(WsTestClient client, Map<String, ?> data) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            last = client.request("message:new", data);
            if (last.get("success").asBoolean()) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("never succeeded; last answer " + last);
    }
}
