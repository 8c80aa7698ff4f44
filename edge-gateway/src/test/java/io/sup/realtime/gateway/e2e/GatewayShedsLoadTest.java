package io.sup.realtime.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.sup.realtime.gateway.Main;
import io.sup.realtime.gateway.auth.TestTokens;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Load shedding at the edge, for real: a gateway that lets two messaging events be with
 * messaging-service at once, in front of a messaging-service whose Redis holds every write
 * ({@code CLIENT PAUSE ... WRITE}, as a stalled Redis would). Two senders' messages wait with
 * the service. A third sender's message waits for a slot at the gateway
 * ({@code gateway_events_waiting}): when none comes free within the queue timeout it is answered
 * {@code UNAVAILABLE} "service busy" with the configured {@code retryAfterMs} (750 ms, jittered)
 * and is never sent (not stored, not delivered), counted in {@code gateway_events_shed_total};
 * when Redis goes on within the timeout (a burst, not an overload) it is served like the others.
 * A {@code message:stop-typing} (an event that ends something: never shed) is sent although the
 * limit is full. When Redis goes on, the waiting ones are answered, and a refused retry goes through.
 */
class GatewayShedsLoadTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final String SHED = "gateway_events_shed_total";
    private static final String IN_FLIGHT = "gateway_events_in_flight";
    private static final String WAITING = "gateway_events_waiting";
    private static final String MESSAGING = "domain=\"messaging\"";

    @Test
    void anEventThatFindsNoSlotWithinTheQueueTimeoutIsRefusedAndNeverSent() throws Exception {
        // A Redis read timeout longer than the pause: the waiting calls wait, they do not fail.
        ServiceHost messaging = TestSystem.messaging(REDIS, 0, "redis.timeout.ms", "60000");
        TestSystem.createChat(messaging.grpcPort(), "shed", "alice", "bob", "carol", "dave");
        try (Main gateway = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-shed",
                "gateway.grpc.max.in.flight", "2", "gateway.grpc.queue.timeout.ms", "300", "gateway.busy.retry.ms", "750");
             var alice = WsTestClient.connectAs(gateway.port(), TestTokens.access("alice"));
             var bob = WsTestClient.connectAs(gateway.port(), TestTokens.access("bob"));
             var carol = WsTestClient.connectAs(gateway.port(), TestTokens.access("carol"));
             var dave = WsTestClient.connectAs(gateway.port(), TestTokens.access("dave"))) {
            int observe = gateway.observePort();
            double shedBefore = GatewayMetrics.value(observe, SHED, MESSAGING);
            double inFlightBefore = GatewayMetrics.value(observe, IN_FLIGHT, MESSAGING);
            double waitingBefore = GatewayMetrics.value(observe, WAITING, MESSAGING);

            long aliceSend;
            long bobSend;
            long daveStops;
            JsonNode refused;
            try {
                REDIS.pauseWrites(Duration.ofSeconds(60));
                aliceSend = alice.send("message:new", Map.of("chatId", "shed", "content", "from alice", "tempId", "a1"));
                bobSend = bob.send("message:new", Map.of("chatId", "shed", "content", "from bob", "tempId", "b1"));
                GatewayMetrics.await(observe, IN_FLIGHT, MESSAGING, v -> v == inFlightBefore + 2);

                long asked = System.nanoTime();
                refused = carol.request("message:new", Map.of("chatId", "shed", "content", "shed one", "tempId", "c1"));
                long answeredAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked);
                assertTrue(answeredAfterMs >= 300, "carol waited the 300 ms queue timeout first: " + answeredAfterMs + " ms");
                assertEquals(inFlightBefore + 2, GatewayMetrics.value(observe, IN_FLIGHT, MESSAGING),
                        "the two waiting sends still wait: carol was answered while they did");
                assertEquals(waitingBefore, GatewayMetrics.value(observe, WAITING, MESSAGING), "carol's wait is over");

                daveStops = dave.send("message:stop-typing", Map.of("chatId", "shed"));
                GatewayMetrics.await(observe, IN_FLIGHT, MESSAGING, v -> v == inFlightBefore + 3);
            } finally {
                REDIS.unpause();
            }
            assertFalse(refused.path("success").asBoolean(), refused.toString());
            assertEquals("UNAVAILABLE", refused.at("/error/code").asText(), refused.toString());
            assertEquals("service busy, retry later", refused.at("/error/message").asText());
            long retryAfter = refused.at("/error/retryAfterMs").asLong();
            assertTrue(retryAfter >= 375 && retryAfter < 1125, "750 ms +-50 %: " + refused);
            assertEquals(shedBefore + 1, GatewayMetrics.value(observe, SHED, MESSAGING), "only carol's send was shed");

            assertTrue(alice.awaitAck(aliceSend).path("success").asBoolean(), "alice's send, once Redis went on");
            assertTrue(bob.awaitAck(bobSend).path("success").asBoolean(), "bob's send, once Redis went on");
            assertTrue(dave.awaitAck(daveStops).path("success").asBoolean(), "dave's stop-typing, sent although the limit was full");
            GatewayMetrics.await(observe, IN_FLIGHT, MESSAGING, v -> v == inFlightBefore);
            JsonNode retried = carol.request("message:new", Map.of("chatId", "shed", "content", "retried", "tempId", "c1"));
            assertTrue(retried.path("success").asBoolean(), "carol's retry: " + retried);

            JsonNode log = alice.request("message:sync", Map.of("chatId", "shed", "afterSeq", "0"));
            assertEquals(List.of("from alice", "from bob", "retried"), sorted(contents(log)),
                    "the shed message was never sent: stored are the two that waited and the retry");
            assertEquals("retried", bob.awaitEvent("message:new", d -> "carol".equals(d.path("senderId").asText()))
                    .path("content").asText(), "bob got carol's retry, and no other message of hers");
        } finally {
            messaging.close();
        }
    }

    @Test
    void anEventThatFindsNoSlotWaitsForOneAndIsServed() throws Exception {
        ServiceHost messaging = TestSystem.messaging(REDIS, 0, "redis.timeout.ms", "60000");
        TestSystem.createChat(messaging.grpcPort(), "burst", "alice", "bob", "carol");
        try (Main gateway = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-burst",
                "gateway.grpc.max.in.flight", "2", "gateway.grpc.queue.timeout.ms", "60000");
             var alice = WsTestClient.connectAs(gateway.port(), TestTokens.access("alice"));
             var bob = WsTestClient.connectAs(gateway.port(), TestTokens.access("bob"));
             var carol = WsTestClient.connectAs(gateway.port(), TestTokens.access("carol"))) {
            int observe = gateway.observePort();
            double shedBefore = GatewayMetrics.value(observe, SHED, MESSAGING);
            double inFlightBefore = GatewayMetrics.value(observe, IN_FLIGHT, MESSAGING);
            double waitingBefore = GatewayMetrics.value(observe, WAITING, MESSAGING);

            long aliceSend;
            long bobSend;
            long carolSend;
            try {
                REDIS.pauseWrites(Duration.ofSeconds(60));
                aliceSend = alice.send("message:new", Map.of("chatId", "burst", "content", "from alice", "tempId", "a1"));
                bobSend = bob.send("message:new", Map.of("chatId", "burst", "content", "from bob", "tempId", "b1"));
                GatewayMetrics.await(observe, IN_FLIGHT, MESSAGING, v -> v == inFlightBefore + 2);
                carolSend = carol.send("message:new", Map.of("chatId", "burst", "content", "from carol", "tempId", "c1"));
                GatewayMetrics.await(observe, WAITING, MESSAGING, v -> v == waitingBefore + 1);
                assertEquals(inFlightBefore + 2, GatewayMetrics.value(observe, IN_FLIGHT, MESSAGING),
                        "carol's send waits at the gateway, not with the service");
            } finally {
                REDIS.unpause();
            }
            assertTrue(alice.awaitAck(aliceSend).path("success").asBoolean(), "alice's send, once Redis went on");
            assertTrue(bob.awaitAck(bobSend).path("success").asBoolean(), "bob's send, once Redis went on");
            JsonNode carolAck = carol.awaitAck(carolSend);
            assertTrue(carolAck.path("success").asBoolean(), "carol's send got a slot when one came free: " + carolAck);
            assertEquals(shedBefore, GatewayMetrics.value(observe, SHED, MESSAGING), "nothing was shed");
            GatewayMetrics.await(observe, WAITING, MESSAGING, v -> v == waitingBefore);

            JsonNode log = alice.request("message:sync", Map.of("chatId", "burst", "afterSeq", "0"));
            assertEquals(List.of("from alice", "from bob", "from carol"), sorted(contents(log)), "all three stored");
            assertEquals("from carol", bob.awaitEvent("message:new", d -> "carol".equals(d.path("senderId").asText()))
                    .path("content").asText(), "bob got carol's message");
        } finally {
            messaging.close();
        }
    }

    private static List<String> contents(JsonNode page) {
        List<String> contents = new ArrayList<>();
        page.path("messages").forEach(m -> contents.add(m.path("content").asText()));
        return contents;
    }

    private static List<String> sorted(List<String> values) {
        return values.stream().sorted().toList();
    }
}
