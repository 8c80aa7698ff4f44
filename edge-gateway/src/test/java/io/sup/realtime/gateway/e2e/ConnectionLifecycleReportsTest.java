package io.sup.realtime.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.sup.realtime.gateway.Main;
import io.sup.realtime.gateway.auth.TestTokens;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.gateway.v1.Caller;
import io.sup.realtime.proto.gateway.v1.ConnectionBatch;
import io.sup.realtime.proto.gateway.v1.ConnectionEvent;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gateway reports connection lifecycle to the service that keeps per-connection state:
 * a recording presence stand-in on a real gRPC server gets {@code ConnectionOpened} once a
 * connection authenticates, {@code ConnectionsAlive} batches every alive interval (200 ms
 * here) naming it while it is open, and {@code ConnectionClosed} when it ends; a connection
 * that never authenticates is never reported. messaging-service is the real one.
 */
class ConnectionLifecycleReportsTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static ServiceHost messaging;
    private static RecordingPresenceService presence;

    @BeforeAll
    static void startSystem() {
        messaging = TestSystem.messaging(REDIS, 0);
        presence = RecordingPresenceService.start();
    }

    @AfterAll
    static void stopSystem() {
        presence.close();
        messaging.close();
    }

    /** A gateway of the test's own (so that no other test's connections appear in its reports). */
    private static Main gateway(String instance) {
        return TestSystem.gateway(REDIS, messaging.grpcPort(), instance,
                "presence.grpc.target", presence.target(), "gateway.connection.alive.interval.ms", "200");
    }

    private static ConditionFactory await(String what) {
        return Awaitility.await(what).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20));
    }

    /** Connects {@code user} on the native protocol and returns the client and its {@code connected} data. */
    private static Connected connect(Main gateway, String user) throws InterruptedException {
        WsTestClient client = WsTestClient.connect(gateway.port(), "/ws?token=" + TestTokens.access(user), Map.of());
        return new Connected(client, client.awaitEvent("connected"));
    }

    private record Connected(WsTestClient client, JsonNode data) {
        String id() {
            return data.get("connectionId").asText();
        }
    }

    private static List<ConnectionEvent> reportsOf(List<ConnectionEvent> reports, String connectionId) {
        return reports.stream().filter(e -> e.getConnection().getConnectionId().equals(connectionId)).toList();
    }

    @Test
    void anAuthenticatedConnectionIsReportedOpenedAliveWhileOpenAndClosedWhenItEnds() throws Exception {
        try (Main gateway = gateway("gw-rep")) {
            // bob's connection keeps the batches coming once alice's is gone.
            Connected bob = connect(gateway, "rep-bob");
            Connected alice = connect(gateway, "rep-alice");
            try (WsTestClient bobClient = bob.client(); WsTestClient aliceClient = alice.client()) {
                ConnectionEvent opened = await("alice's connection reported opened")
                        .until(() -> reportsOf(presence.opened, alice.id()), list -> !list.isEmpty()).getFirst();
                Caller caller = opened.getConnection();
                assertEquals("rep-alice", caller.getUserId());
                assertEquals(alice.data().get("deviceId").asText(), caller.getDeviceId());
                assertFalse(caller.getDeviceId().isEmpty());
                assertEquals("gw-rep", caller.getGatewayInstance());
                assertTrue(opened.getAtMs() > 0);

                await("two alive batches named alice's connection")
                        .until(() -> presence.aliveBatchesListing(alice.id()) >= 2);
                ConnectionBatch batch = presence.alive.stream()
                        .filter(b -> RecordingPresenceService.lists(b, alice.id())).findFirst().orElseThrow();
                assertEquals("gw-rep", batch.getGatewayInstance());
                assertTrue(batch.getAtMs() >= opened.getAtMs());
                assertEquals(caller, batch.getConnectionsList().stream()
                        .filter(c -> c.getConnectionId().equals(alice.id())).findFirst().orElseThrow(),
                        "the batch carries the whole caller");

                aliceClient.close();
                ConnectionEvent closed = await("alice's connection reported closed")
                        .until(() -> reportsOf(presence.closed, alice.id()), list -> !list.isEmpty()).getFirst();
                assertEquals(caller, closed.getConnection());

                // Batches taken after the close (stamped later than it) go on naming bob, never alice.
                await("two alive batches after the close")
                        .until(() -> presence.alive.stream().filter(b -> b.getAtMs() > closed.getAtMs())
                                .filter(b -> RecordingPresenceService.lists(b, bob.id())).count() >= 2);
                List<ConnectionBatch> later = presence.alive.stream().filter(b -> b.getAtMs() > closed.getAtMs()).toList();
                assertTrue(later.stream().noneMatch(b -> RecordingPresenceService.lists(b, alice.id())),
                        () -> "alive after its close: " + later);
                assertEquals(1, reportsOf(presence.opened, alice.id()).size(), "opened once");
                assertEquals(1, reportsOf(presence.closed, alice.id()).size(), "closed once");
            }
        }
    }

    @Test
    void aConnectionThatNeverAuthenticatesIsNeverReported() throws Exception {
        int openedBefore = presence.opened.size();
        int aliveBefore = presence.alive.size();
        int closedBefore = presence.closed.size();
        try (Main gateway = gateway("gw-quiet")) {
            WsTestClient anonymous = WsTestClient.connect(gateway.port(), "/ws", Map.of());
            // Answered: the gateway holds it as a connection, unauthenticated.
            assertEquals("UNAUTHENTICATED", anonymous.request("message:new", Map.of("chatId", "c")).at("/error/code").asText());
            Connected known = connect(gateway, "quiet-known");
            await("two alive batches while both are open")
                    .until(() -> presence.aliveBatchesListing(known.id()) >= 2);
            assertEquals("UNAUTHENTICATED", anonymous.request("message:new", Map.of("chatId", "c")).at("/error/code").asText(),
                    "still open, still unauthenticated");
            anonymous.close();
            // The known connection's close is the marker: reported after anything the anonymous one's caused.
            known.client().close();
            await("the known connection reported closed")
                    .until(() -> !reportsOf(presence.closed, known.id()).isEmpty());
        }
        List<ConnectionEvent> opened = presence.opened.subList(openedBefore, presence.opened.size());
        List<ConnectionEvent> closed = presence.closed.subList(closedBefore, presence.closed.size());
        List<ConnectionBatch> alive = presence.alive.subList(aliveBefore, presence.alive.size());
        assertEquals(List.of("quiet-known"), opened.stream().map(e -> e.getConnection().getUserId()).toList());
        assertEquals(List.of("quiet-known"), closed.stream().map(e -> e.getConnection().getUserId()).toList());
        assertTrue(alive.stream().allMatch(b -> b.getConnectionsList().stream().allMatch(c -> c.getUserId().equals("quiet-known"))),
                () -> "alive batches: " + alive);
    }
}
