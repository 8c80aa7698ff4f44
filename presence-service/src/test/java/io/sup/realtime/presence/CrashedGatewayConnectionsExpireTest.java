package io.sup.realtime.presence;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.gateway.v1.ConnectionBatch;
import org.awaitility.Awaitility;
import io.sup.realtime.proto.gateway.v1.Caller;
import io.sup.realtime.proto.presence.v1.GetPresenceRequest;
import io.sup.realtime.proto.presence.v1.SubscribeRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gateway that dies without reporting: its connections expire by themselves one lifetime
 * after their last report, the user goes offline last seen at that report, and a gateway
 * that starts meanwhile under another id, reporting its own connections, removes nobody
 * else's. (The end-to-end version, with a SIGKILLed gateway process, is the gateway's
 * {@code GatewayCrashMakesItsUsersOfflineTest}.)
 */
class CrashedGatewayConnectionsExpireTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    private static final long TTL_MS = 800;

    @Test
    void aConnectionWhoseGatewayStopsReportingExpiresAndANewInstanceLeavesOthersAlone() throws Exception {
        ScheduledExecutorService liveGateways = Executors.newSingleThreadScheduledExecutor();
        try (RunningPresence system = RunningPresence.start(REDIS, "presence.connection.ttl.ms", Long.toString(TTL_MS));
             GatewayInbox inbox = GatewayInbox.of(REDIS, "gw-w")) {
            system.chat("c1", "bob", "w", "carol");
            Caller w = system.opened("w", "gw-w.1");
            system.events().subscribe(SubscribeRequest.newBuilder().setCaller(w).addUserIds("bob").addUserIds("carol").build());
            long openedAt = System.currentTimeMillis();
            system.opened("bob", "gw-dead.1");
            assertEquals("bob", inbox.next().presence().getUserId());
            // A gateway that started later, under another id, reports its own connections only.
            Caller carol = system.opened("carol", "gw-new.1");
            assertEquals("carol", inbox.next().presence().getUserId());
            // The live gateways keep reporting; gw-dead never reports again.
            liveGateways.scheduleAtFixedRate(() -> {
                system.alive(w);
                system.alive(carol);
            }, 0, TTL_MS / 4, TimeUnit.MILLISECONDS);
            assertEquals("online", system.admin().getPresence(GetPresenceRequest.newBuilder().setUserId("bob").build())
                    .getStatus());

            GatewayInbox.Update offline = inbox.next();
            assertEquals("bob", offline.presence().getUserId());
            assertEquals("offline", offline.presence().getStatus());
            long lastSeen = Instant.parse(offline.presence().getLastSeen()).toEpochMilli();
            assertTrue(Math.abs(lastSeen - openedAt) < 500, "last seen " + lastSeen + " is not the last report " + openedAt);
            assertTrue(offline.receivedAtMs() - openedAt >= TTL_MS, "expired before its lifetime");
            assertEquals("online", system.admin().getPresence(GetPresenceRequest.newBuilder().setUserId("carol").build())
                    .getStatus());
            inbox.assertNothingSinceLast();
        } finally {
            liveGateways.shutdownNow();
        }
    }

    @Test
    void aCrashedGatewaysThousandUsersAreAllSettledInOneSweep() {
        // Sweeps 5 s apart: the batch report must be in before the first sweep, however loaded the machine.
        try (RunningPresence system = RunningPresence.start(REDIS, "presence.connection.ttl.ms", "300",
                "presence.sweep.interval.ms", "5000")) {
            List<Caller> callers = new ArrayList<>();
            for (int i = 0; i < 1_200; i++) {
                callers.add(RunningPresence.caller("u" + i, "gw-dead." + i));
            }
            system.lifecycle().connectionsAlive(ConnectionBatch.newBuilder().setGatewayInstance("gw-dead")
                    .addAllConnections(callers).setAtMs(System.currentTimeMillis()).build());
            assertEquals(1_200, system.redis().zcard(PresenceKeys.due()));

            // The first sweep after the lifetime takes them 500 at a time until none is left:
            // all within that run, not one batch per sweep (the next would come 5 s later).
            Awaitility.await("a sweep").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                    .until(() -> system.redis().zcard(PresenceKeys.due()) < 1_200);
            Awaitility.await("the same sweep to finish").atMost(Duration.ofMillis(2_000)).pollInterval(Duration.ofMillis(10))
                    .until(() -> system.redis().zcard(PresenceKeys.due()) == 0);
            assertEquals("offline", system.admin().getPresence(GetPresenceRequest.newBuilder().setUserId("u1199").build())
                    .getStatus());
        }
    }

    @Test
    void lastSeenIsTheLatestEndOfAnyDeviceWhenOneCrashedAndAnotherClosed() throws Exception {
        ScheduledExecutorService liveGateway = Executors.newSingleThreadScheduledExecutor();
        try (RunningPresence system = RunningPresence.start(REDIS, "presence.connection.ttl.ms", Long.toString(TTL_MS));
             GatewayInbox inbox = GatewayInbox.of(REDIS, "gw-w")) {
            system.chat("c2", "mia", "w");
            Caller w = system.opened("w", "gw-w.1");
            liveGateway.scheduleAtFixedRate(() -> system.alive(w), 0, TTL_MS / 4, TimeUnit.MILLISECONDS);
            system.events().subscribe(SubscribeRequest.newBuilder().setCaller(w).addUserIds("mia").build());
            long crashedAt = System.currentTimeMillis();
            system.opened("mia", "gw-dead.1"); // its gateway never reports again
            assertEquals("online", inbox.next().presence().getStatus());
            // The two ends must be told apart: the laptop closes well after the crashed
            // device's only report (and before that report's lifetime ends).
            Awaitility.await("300 ms after the crashed device's report").atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(10)).until(() -> System.currentTimeMillis() > crashedAt + 300);
            Caller laptop = system.opened("mia", "gw-w.2");
            long closedAt = System.currentTimeMillis();
            system.closed(laptop);

            GatewayInbox.Update offline = inbox.next();
            assertEquals("offline", offline.presence().getStatus());
            long lastSeen = Instant.parse(offline.presence().getLastSeen()).toEpochMilli();
            assertTrue(lastSeen >= closedAt - 5 && lastSeen <= closedAt + 500,
                    "last seen " + lastSeen + " is not the later end (" + closedAt + "), the crash was at " + crashedAt);
        } finally {
            liveGateway.shutdownNow();
        }
    }
}
