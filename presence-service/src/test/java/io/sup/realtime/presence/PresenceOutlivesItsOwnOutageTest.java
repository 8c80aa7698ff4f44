package io.sup.realtime.presence;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.grpc.StatusRuntimeException;
import io.sup.realtime.platform.expiry.ExpiryCutoff;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.gateway.v1.Caller;
import io.sup.realtime.proto.presence.v1.SubscribeRequest;
import io.sup.realtime.proto.presence.v1.UpdatePresenceRequest;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * presence-service down for longer than a connection lifetime: nobody took the gateways'
 * alive reports meanwhile, so every record looks expired when it comes back. Connections
 * that are alive must keep their subscriptions (the gateways report them again within the
 * recovery window), and a connection that ended during the outage, whose close report was
 * lost, must still be found expired afterwards and its subscriptions released.
 */
class PresenceOutlivesItsOwnOutageTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    /**
     * Also the recovery window: the reports must get through within it after the restart,
     * which on a loaded 2-core machine (a whole test run beside other builds) took more
     * than the 800 ms this once was.
     */
    private static final long TTL_MS = 2_000;

    @Test
    void liveSubscriptionsSurviveAnOutageAndDeadOnesAreReleasedAfterIt() throws Exception {
        ScheduledExecutorService gateway = Executors.newSingleThreadScheduledExecutor();
        try (RunningPresence system = RunningPresence.start(REDIS, "presence.connection.ttl.ms", Long.toString(TTL_MS));
             GatewayInbox inbox = GatewayInbox.of(REDIS, "gw-w")) {
            system.chat("c1", "w", "bob", "zed");
            Caller w = system.opened("w", "gw-w.1");
            Caller zed = system.opened("zed", "gw-z.1");
            system.events().subscribe(SubscribeRequest.newBuilder().setCaller(w).addUserIds("bob").build());
            system.events().subscribe(SubscribeRequest.newBuilder().setCaller(zed).addUserIds("bob").build());
            Caller bob = system.opened("bob", "gw-b.1");
            assertEquals("online", inbox.next().presence().getStatus());
            // w's and bob's gateways keep reporting (failing while presence is down); zed's
            // connection ends during the outage, and its close report is lost with it.
            java.util.concurrent.atomic.AtomicBoolean zedConnected = new java.util.concurrent.atomic.AtomicBoolean(true);
            gateway.scheduleAtFixedRate(() -> {
                try {
                    system.alive(w);
                    system.alive(bob);
                    if (zedConnected.get()) {
                        system.alive(zed);
                    }
                } catch (StatusRuntimeException presenceDown) {
                    // as a gateway does: the next period reports again
                }
            }, 0, TTL_MS / 4, TimeUnit.MILLISECONDS);

            zedConnected.set(false);
            system.stopPresence();
            long lastSweep = Long.parseLong(system.redis().get(PresenceKeys.swept()));
            Awaitility.await("an outage longer than a lifetime and than the outage threshold")
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> System.currentTimeMillis()
                            > lastSweep + Math.max(TTL_MS, ExpiryCutoff.OUTAGE.toMillis()) + 500);
            system.startPresence();

            system.events().updatePresence(UpdatePresenceRequest.newBuilder().setCaller(bob).setStatus("busy").build());
            GatewayInbox.Update busy = inbox.next();
            assertEquals("busy", busy.presence().getStatus());
            assertEquals(java.util.List.of("gw-w.1"), busy.connectionIds(), "w kept its subscription; zed is not told");

            Awaitility.await("zed's dead connection found expired and its subscription released")
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> !system.redis().exists(PresenceKeys.subscriptions("zed", "gw-z.1"))
                            && !system.redis().sismember(PresenceKeys.watchers("bob"), "gw-z.1 zed"));
            assertTrue(system.redis().exists(PresenceKeys.subscriptions("w", "gw-w.1")));
            assertTrue(system.redis().sismember(PresenceKeys.watchers("bob"), "gw-w.1 w"));
        } finally {
            gateway.shutdownNow();
        }
    }
}
