package io.sup.realtime.gateway.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.BooleanSupplier;

import com.fasterxml.jackson.databind.JsonNode;
import io.sup.realtime.gateway.Main;
import io.sup.realtime.gateway.auth.TestTokens;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connections that end badly still end: a peer that vanishes without a close frame, one that
 * stops answering pings, one that stops reading, one that keeps talking after being refused.
 * Each is dropped, its routes leave the registry, and nothing it sends afterwards counts.
 * Heartbeats run every 300 ms here (a silent peer is dropped after 1.8 s) so the test takes seconds.
 */
class GatewayConnectionLifecycleTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static ServiceHost messaging;
    private static Main gateway;
    private RedisClient redis;

    @BeforeAll
    static void startSystem() {
        messaging = TestSystem.messaging(REDIS, 0);
        gateway = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-life",
                "gateway.outbound.limit", "16", "heartbeat.interval", "300", "heartbeat.timeout", "1500");
    }

    @AfterAll
    static void stopSystem() {
        gateway.close();
        messaging.close();
    }

    @BeforeEach
    void redisClient() {
        redis = REDIS.settings().newClient();
    }

    @AfterEach
    void closeRedisClient() {
        redis.close();
    }

    private static void chat(String id, String... members) {
        TestSystem.createChat(messaging.grpcPort(), id, members);
    }

    private boolean routed(String user) {
        return !redis.zrange("gw:user:{" + user + "}", 0, -1).isEmpty();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(10);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void aPeerThatVanishesWithoutACloseFrameLosesItsRoutes() throws Exception {
        RawWsSocket ghost = RawWsSocket.connect(gateway.port(), "/ws?token=" + TestTokens.access("ghost"), 0);
        assertTrue(ghost.readFrame().text().contains("\"connected\""));
        assertTrue(routed("ghost"));

        ghost.close(); // TCP goes away; no close frame

        await("ghost's route is gone", () -> !routed("ghost"));
    }

    @Test
    void aPeerThatNeverAnswersPingsIsClosedWithHeartbeatTimeout() throws Exception {
        try (RawWsSocket mute = RawWsSocket.connect(gateway.port(), "/ws?token=" + TestTokens.access("mute"), 0)) {
            int pings = 0;
            RawWsSocket.Frame frame;
            do {
                frame = mute.readFrame();
                pings += frame.opcode() == 0x9 ? 1 : 0;
            } while (frame.opcode() != 0x8);
            assertTrue(pings >= 1, "the server pinged before giving up");
            assertEquals(4001, frame.closeCode());
            await("mute's route is gone", () -> !routed("mute"));
        }
    }

    @Test
    void aClientThatStopsReadingIsClosedCutAndUnrouted() throws Exception {
        chat("busy", "talker", "stalled");
        try (var talker = WsTestClient.connectAs(gateway.port(), TestTokens.access("talker"));
             RawWsSocket stalled = RawWsSocket.connect(gateway.port(), "/ws?token=" + TestTokens.access("stalled"), 4096)) {
            assertTrue(stalled.readFrame().text().contains("\"connected\""), "then it stops reading");
            assertTrue(routed("stalled"));
            String big = "x".repeat(60_000);
            for (int i = 0; i < 300 && routed("stalled"); i++) {
                talker.emit("message:new", Map.of("chatId", "busy", "content", big));
            }
            await("stalled's route is gone", () -> !routed("stalled"));
            assertTrue(stalled.drainsToEnd(), "the server cut the connection");
            // The talker is unaffected.
            assertTrue(talker.request("message:new", Map.of("chatId", "busy", "content", "still fine"))
                    .get("success").asBoolean());
        }
    }

    @Test
    void nothingSentAfterARefusalIsHandled() throws Exception {
        chat("quiet", "alice");
        try (var client = WsTestClient.connect(gateway.port(), "/ws?token=bad-token", Map.of())) {
            try {
                client.sendText("{\"event\":\"auth\",\"id\":1,\"data\":{\"token\":\"" + TestTokens.access("alice") + "\"}}");
                client.sendText("{\"event\":\"message:new\",\"id\":2,\"data\":{\"chatId\":\"quiet\",\"content\":\"sneaky\"}}");
            } catch (RuntimeException alreadyClosed) {
                // The server may have closed first: just as good.
            }
            JsonNode error = client.awaitEvent("error");
            assertEquals("UNAUTHENTICATED", error.get("code").asText());
            assertEquals(4401, client.awaitClose());
        }
        assertEquals(0, redis.xlen("msg:{quiet}:log"));
        assertFalse(routed("alice"));
    }

    @Test
    void anIdleConnectionIsPingedButKept() throws Exception {
        try (var idle = WsTestClient.connectAs(gateway.port(), TestTokens.access("idle"))) {
            Thread.sleep(Duration.ofMillis(1_500)); // several heartbeat periods; the JDK client answers pings
            assertTrue(routed("idle"));
            assertTrue(idle.request("chat:join", Map.of("chatId", "nope")).has("success"), "still connected");
        }
    }
}
