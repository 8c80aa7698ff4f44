package io.sup.realtime.gateway.e2e;

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
import redis.clients.jedis.UnifiedJedis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connections that end badly still end: a peer that vanishes without a close frame, one that
 * stops answering pings, one that stops reading, one that never finishes the closing
 * handshake, one that sits idle, one that keeps talking after being refused. Each is dropped
 * with its close code, its routes leave the registry, and nothing it sends afterwards counts.
 * Heartbeats run every 300 ms on the shared gateway here (a silent peer is dropped after
 * 5.3 s, long enough that a loaded machine's stalls do not pass for a dead peer); tests whose
 * timers would get in each other's way have a gateway of their own.
 */
class GatewayConnectionLifecycleTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final String HEARTBEAT_INTERVAL_MS = "300";
    /** Pings a connection must have answered to outlive a silent one: 19 x 300 ms > 300 + 5000 ms. */
    private static final int PINGS_PAST_THE_HEARTBEAT_TIMEOUT = 19;

    private static ServiceHost messaging;
    private static Main gateway;
    private UnifiedJedis redis;

    @BeforeAll
    static void startSystem() {
        messaging = TestSystem.messaging(REDIS, 0);
        gateway = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-life",
                "heartbeat.interval", HEARTBEAT_INTERVAL_MS, "heartbeat.timeout", "5000");
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
        Instant deadline = Instant.now().plusSeconds(30);
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
            Instant deadline = Instant.now().plusSeconds(30);
            RawWsSocket.Frame frame;
            do {
                frame = mute.readFrame();
                pings += frame.opcode() == 0x9 ? 1 : 0;
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("still pinged and never closed after " + pings + " unanswered pings");
                }
            } while (frame.opcode() != 0x8);
            assertTrue(pings >= 1, "the server pinged before giving up");
            assertEquals(4001, frame.closeCode());
            await("mute's route is gone", () -> !routed("mute"));
        }
    }

    @Test
    void aClientThatStopsReadingIsClosedAsASlowConsumerWith4008() throws Exception {
        // Heartbeats at their defaults (30 s + 20 s): only the outbound bound can close it here.
        // A long close grace lets the close frame through once the client reads again.
        try (Main slow = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-slow",
                "gateway.outbound.limit", "16", "gateway.close.grace.ms", "20000")) {
            chat("busy", "talker", "stalled");
            try (var talker = WsTestClient.connectAs(slow.port(), TestTokens.access("talker"));
                 RawWsSocket stalled = stopsReading(slow, "stalled")) {
                flood(talker, "busy", () -> routed("stalled"));
                await("stalled's route is gone", () -> !routed("stalled"));

                assertEquals(4008, stalled.awaitCloseCode(), "reading again, the client finds the close frame");
                // The talker is unaffected.
                assertTrue(talker.request("message:new", Map.of("chatId", "busy", "content", "still fine"))
                        .get("success").asBoolean());
            }
        }
    }

    @Test
    void aClosingClientThatStopsReadingIsCutAfterTheCloseGrace() throws Exception {
        try (Main cutting = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-cut", "gateway.outbound.limit", "16")) {
            chat("busy2", "talker2", "stuck");
            double cutBefore = GatewayMetrics.value(cutting.observePort(), "gateway_connections_cut_total", "");
            try (var talker = WsTestClient.connectAs(cutting.port(), TestTokens.access("talker2"));
                 RawWsSocket stuck = stopsReading(cutting, "stuck")) {
                flood(talker, "busy2", () -> routed("stuck"));
                // Closed as a slow consumer; its close frame is stuck behind what it does not read.
                GatewayMetrics.await(cutting.observePort(), "gateway_connections_cut_total", "", v -> v > cutBefore);

                assertTrue(stuck.endsWithoutACloseFrame(), "the TCP connection was cut, not closed by a close frame");
            }
        }
    }

    @Test
    void aClientThatNeverAnswersTheCloseFrameIsCutAfterTheCloseGrace() throws Exception {
        double cutBefore = GatewayMetrics.value(gateway.observePort(), "gateway_connections_cut_total", "");
        long connecting = System.nanoTime();
        try (RawWsSocket refused = RawWsSocket.connect(gateway.port(), "/ws?token=bad-token", 0)) {
            assertEquals(4401, refused.awaitCloseCode());
            // It reads the close frame but never answers it: the gateway ends the TCP connection itself.
            assertTrue(refused.drainsToEnd(), "the gateway cut the connection");
        }
        // Not before the grace (2 s by default): counted from before the connect, a lower bound
        // that a slow machine can only lengthen.
        long endedAfterMs = (System.nanoTime() - connecting) / 1_000_000;
        assertTrue(endedAfterMs >= 2_000, "cut " + endedAfterMs + " ms after connecting");
        assertTrue(GatewayMetrics.value(gateway.observePort(), "gateway_connections_cut_total", "") > cutBefore);
    }

    /** A connection of {@code user} that reads its {@code connected} event and then stops reading, with a tiny receive buffer. */
    private RawWsSocket stopsReading(Main on, String user) throws Exception {
        RawWsSocket socket = RawWsSocket.connect(on.port(), "/ws?token=" + TestTokens.access(user), 4096);
        assertTrue(socket.readFrame().text().contains("\"connected\""), "then it stops reading");
        assertTrue(routed(user));
        return socket;
    }

    /** Sends 60 KB messages to {@code chatId} while {@code still} holds, up to 300 of them. */
    private static void flood(WsTestClient talker, String chatId, BooleanSupplier still) throws Exception {
        String big = "x".repeat(60_000);
        for (int i = 0; i < 300 && still.getAsBoolean(); i++) {
            talker.emit("message:new", Map.of("chatId", chatId, "content", big));
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
    void aConnectionThatAnswersPingsOutlivesTheHeartbeatTimeout() throws Exception {
        try (var idle = WsTestClient.connectAs(gateway.port(), TestTokens.access("idle"))) {
            // The JDK client answers each ping; were pongs not counted as life, the connection
            // would be closed (4001) before this many pings.
            idle.awaitPings(PINGS_PAST_THE_HEARTBEAT_TIMEOUT);
            assertTrue(idle.isOpen(), "closed although it answered every ping");
            assertTrue(routed("idle"));
            assertEquals("FORBIDDEN", idle.request("chat:join", Map.of("chatId", "nope")).at("/error/code").asText(),
                    "still served");
        }
    }

    @Test
    void aConnectionWithoutEventsForMaxIdleTimeIsClosedWith4002() throws Exception {
        // Long enough that a loaded machine gets the event below in well before the limit.
        long maxIdleMs = 5_000;
        try (Main strict = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-idle",
                "heartbeat.interval", HEARTBEAT_INTERVAL_MS, "heartbeat.timeout", "10000", "max.idle.time", String.valueOf(maxIdleMs));
             var idle = WsTestClient.connectAs(strict.port(), TestTokens.access("sleepy"))) {
            idle.awaitPings(3); // answering pings all along: it is the idle rule that closes it, not the heartbeat
            long lastEventSent = System.nanoTime();
            assertEquals("FORBIDDEN", idle.request("chat:join", Map.of("chatId", "nope")).at("/error/code").asText());

            assertEquals(4002, idle.awaitClose());
            // Idle counts from the last event, not from the connect. A lower bound only: the
            // server cannot close sooner than its rule, and a slow machine only adds to it.
            long quietMs = (System.nanoTime() - lastEventSent) / 1_000_000;
            assertTrue(quietMs >= maxIdleMs, "closed " + quietMs + " ms after the last event");
            await("sleepy's route is gone", () -> !routed("sleepy"));
        }
    }
}
