package io.sup.realtime.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Message;
import io.sup.realtime.gateway.Main;
import io.sup.realtime.gateway.auth.TestTokens;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.gateway.v1.Caller;
import io.sup.realtime.proto.presence.v1.SubscribeRequest;
import io.sup.realtime.proto.presence.v1.UnsubscribeRequest;
import io.sup.realtime.proto.presence.v1.UpdatePresenceRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The presence events reach {@code PresenceService} at the gateway's presence target (a
 * recording stand-in on a real gRPC server), with the caller the gateway authenticated and
 * the client's data in the request; the service's answer becomes the ack. With no presence
 * service reachable, the client is told UNAVAILABLE at once, and the reports that could not
 * be delivered are counted.
 */
class PresenceRoutingTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static ServiceHost messaging;
    private static RecordingPresenceService presence;
    private static Main gateway;

    @BeforeAll
    static void startSystem() {
        messaging = TestSystem.messaging(REDIS, 0);
        presence = RecordingPresenceService.start();
        gateway = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-pres", "presence.grpc.target", presence.target());
    }

    @AfterAll
    static void stopSystem() {
        gateway.close();
        presence.close();
        messaging.close();
    }

    /** The one request of {@code type} the stand-in received since {@code from}. */
    private static <T extends Message> T received(int from, Class<T> type) {
        List<Message> since = presence.requests.subList(from, presence.requests.size());
        assertEquals(1, since.size(), () -> "requests: " + since);
        return type.cast(since.getFirst());
    }

    @Test
    void presenceEventsAreCallsOnPresenceServiceForTheAuthenticatedCaller() throws Exception {
        try (var alice = WsTestClient.connect(gateway.port(), "/ws?token=" + TestTokens.access("pres-alice"), Map.of())) {
            JsonNode connected = alice.awaitEvent("connected");
            Caller expected = Caller.newBuilder()
                    .setUserId("pres-alice")
                    .setDeviceId(connected.get("deviceId").asText())
                    .setConnectionId(connected.get("connectionId").asText())
                    .setGatewayInstance("gw-pres")
                    .build();

            int from = presence.requests.size();
            // A caller in the data is ignored: the gateway sets it.
            JsonNode updated = alice.request("presence:update", Map.of("status", "away", "customStatus", "at lunch",
                    "caller", Map.of("userId", "mallory")));
            assertTrue(updated.get("success").asBoolean(), updated.toString());
            assertEquals("away", updated.get("status").asText());
            assertEquals("at lunch", updated.get("customStatus").asText());
            UpdatePresenceRequest update = received(from, UpdatePresenceRequest.class);
            assertEquals(expected, update.getCaller());
            assertEquals("away", update.getStatus());
            assertEquals("at lunch", update.getCustomStatus());

            from = presence.requests.size();
            JsonNode subscribed = alice.request("presence:subscribe", Map.of("userIds", List.of("pres-bob", "hidden-carol")));
            assertTrue(subscribed.get("success").asBoolean(), subscribed.toString());
            assertEquals("[\"pres-bob\"]", subscribed.get("userIds").toString());
            assertEquals("pres-bob", subscribed.at("/presences/0/userId").asText());
            assertEquals("online", subscribed.at("/presences/0/status").asText());
            assertEquals("2025-01-02T03:04:05.678Z", subscribed.at("/presences/0/lastSeen").asText());
            SubscribeRequest subscribe = received(from, SubscribeRequest.class);
            assertEquals(expected, subscribe.getCaller());
            assertEquals(List.of("pres-bob", "hidden-carol"), subscribe.getUserIdsList());

            from = presence.requests.size();
            JsonNode unsubscribed = alice.request("presence:unsubscribe", Map.of("userIds", List.of("pres-bob")));
            assertTrue(unsubscribed.get("success").asBoolean(), unsubscribed.toString());
            assertEquals("[\"pres-bob\"]", unsubscribed.get("userIds").toString());
            UnsubscribeRequest unsubscribe = received(from, UnsubscribeRequest.class);
            assertEquals(expected, unsubscribe.getCaller());
            assertEquals(List.of("pres-bob"), unsubscribe.getUserIdsList());
        }
    }

    @Test
    void dataThatDoesNotFitTheRequestIsRefusedBeforeAnyCall() throws Exception {
        try (var alice = WsTestClient.connectAs(gateway.port(), TestTokens.access("pres-dora"))) {
            int from = presence.requests.size();
            JsonNode ack = alice.request("presence:subscribe", Map.of("userIds", "not-a-list"));
            assertFalse(ack.get("success").asBoolean());
            assertEquals("INVALID_ARGUMENT", ack.at("/error/code").asText());
            assertEquals(from, presence.requests.size(), "nothing was sent to the service");
        }
    }

    @Test
    void withNoPresenceServiceReachableTheClientIsToldUnavailable() throws Exception {
        // TestSystem's default presence target: nothing listens there.
        try (Main orphan = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-nopres")) {
            String opened = "report=\"opened\"";
            double failedBefore = GatewayMetrics.value(orphan.observePort(), "gateway_connection_reports_failed_total", opened);
            try (var alice = WsTestClient.connectAs(orphan.port(), TestTokens.access("pres-erin"))) {
                for (String event : List.of("presence:update", "presence:subscribe", "presence:unsubscribe")) {
                    JsonNode ack = alice.request(event, Map.of("status", "online", "userIds", List.of("pres-bob")));
                    assertFalse(ack.get("success").asBoolean(), event);
                    assertEquals("UNAVAILABLE", ack.at("/error/code").asText(), event);
                }
                // Its opened report could not be delivered either: counted, not retried.
                GatewayMetrics.await(orphan.observePort(), "gateway_connection_reports_failed_total", opened,
                        v -> v > failedBefore);
                // messaging is unaffected.
                assertEquals("FORBIDDEN", alice.request("chat:join", Map.of("chatId", "none")).at("/error/code").asText());
            }
        }
    }
}
