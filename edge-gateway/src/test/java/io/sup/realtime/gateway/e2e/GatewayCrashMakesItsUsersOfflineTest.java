package io.sup.realtime.gateway.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.sup.realtime.gateway.Main;
import io.sup.realtime.gateway.auth.TestTokens;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gateway process SIGKILLed with users on it: no close report is ever sent, yet its users
 * go offline within the bound docs/API.md states (30 s with the default timings, which this
 * test uses), last seen close to the crash. The doomed gateway is a real separate JVM (the
 * gateway's own {@code main}, on this test's class path); presence, messaging and the
 * watcher's gateway run in this JVM.
 */
class GatewayCrashMakesItsUsersOfflineTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    /** The bound docs/API.md states for the default timings. */
    private static final Duration STATED_BOUND = Duration.ofSeconds(30);

    @Test
    void theUsersOfASigkilledGatewayGoOfflineWithinTheStatedBound() throws Exception {
        try (ServiceHost messaging = TestSystem.messaging(REDIS, 0);
             ServiceHost presence = TestSystem.presence(REDIS, messaging.grpcPort())) {
            Main live = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-live",
                    "presence.grpc.target", "localhost:" + presence.grpcPort());
            int doomedPort = RedisServerExtension.freePort();
            Process doomed = startGatewayProcess(doomedPort, messaging.grpcPort(), presence.grpcPort());
            try (var watcher = WsTestClient.connectAs(live.port(), TestTokens.access("watcher"))) {
                TestSystem.createChat(messaging.grpcPort(), "crash", "alice", "watcher");
                watcher.request("presence:subscribe", Map.of("userIds", List.of("alice")));
                WsTestClient alice = Awaitility.await("the gateway process listening").atMost(Duration.ofSeconds(60))
                        .ignoreExceptions().until(() -> WsTestClient.connectAs(doomedPort, TestTokens.access("alice")),
                                client -> client != null);
                assertEquals("online", watcher.awaitEvent("presence:update").get("status").asText());

                long killedAt = System.currentTimeMillis();
                doomed.destroyForcibly(); // SIGKILL: no close frames, no reports, no shutdown hook
                doomed.waitFor();
                JsonNode offline = watcher.awaitEvent("presence:update");
                long tookMs = System.currentTimeMillis() - killedAt;
                System.out.println("gateway SIGKILLed: its user was offline " + tookMs + " ms later (stated bound "
                        + STATED_BOUND.toMillis() + " ms)");
                alice.close();

                assertEquals("offline", offline.get("status").asText(), offline.toString());
                assertTrue(tookMs <= STATED_BOUND.toMillis(), "offline only " + tookMs + " ms after the crash");
                long lastSeen = Instant.parse(offline.get("lastSeen").asText()).toEpochMilli();
                // The last report came at most one alive interval (10 s) before the crash.
                assertTrue(lastSeen <= killedAt && lastSeen >= killedAt - 10_500,
                        "last seen " + (killedAt - lastSeen) + " ms before the crash");
            } finally {
                doomed.destroyForcibly();
                live.close();
            }
        }
    }

    @Test
    void aSigtermedGatewayDrainsItsClientsAndTheirCloseReportsMakeThemOfflineAfterTheGracePeriod() throws Exception {
        try (ServiceHost messaging = TestSystem.messaging(REDIS, 0);
             ServiceHost presence = TestSystem.presence(REDIS, messaging.grpcPort(), "presence.offline.grace.ms", "1000")) {
            Main live = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-live",
                    "presence.grpc.target", "localhost:" + presence.grpcPort());
            int drainedPort = RedisServerExtension.freePort();
            Process drained = startGatewayProcess(drainedPort, messaging.grpcPort(), presence.grpcPort());
            try (var watcher = WsTestClient.connectAs(live.port(), TestTokens.access("watcher"))) {
                TestSystem.createChat(messaging.grpcPort(), "drain", "bob", "watcher");
                watcher.request("presence:subscribe", Map.of("userIds", List.of("bob")));
                WsTestClient bob = Awaitility.await("the gateway process listening").atMost(Duration.ofSeconds(60))
                        .ignoreExceptions().until(() -> WsTestClient.connectAs(drainedPort, TestTokens.access("bob")),
                                client -> client != null);
                assertEquals("online", watcher.awaitEvent("presence:update").get("status").asText());

                long stoppedAt = System.currentTimeMillis();
                drained.destroy(); // SIGTERM: the gateway drains
                assertEquals(1001, bob.awaitClose(), "going away: reconnect elsewhere");
                JsonNode offline = watcher.awaitEvent("presence:update");
                long tookMs = System.currentTimeMillis() - stoppedAt;
                assertEquals("offline", offline.get("status").asText(), offline.toString());
                // From the close report and the 1 s grace period, not from the 25 s expiry.
                assertTrue(tookMs < 15_000, "offline only " + tookMs + " ms after the drain");
                assertTrue(drained.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the gateway process ended");
                bob.close();
            } finally {
                drained.destroyForcibly();
                live.close();
            }
        }
    }

    private static Process startGatewayProcess(int port, int messagingPort, int presencePort) throws Exception {
        return GatewayProcess.start(REDIS, port, messagingPort, Map.of("PRESENCE_GRPC_TARGET", "localhost:" + presencePort));
    }
}
