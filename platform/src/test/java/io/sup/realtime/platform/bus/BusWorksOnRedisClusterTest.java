package io.sup.realtime.platform.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.google.protobuf.Empty;
import io.sup.realtime.platform.redis.LuaScript;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/**
 * The delivery bus on a three-master Redis Cluster: inboxes of instances whose channels hash
 * to slots on different masters each receive their frames (each subscriber SSUBSCRIBEs on its
 * channel's master, the publisher's pipeline sends each SPUBLISH to its slot's master), and
 * the routing registry's keys are spread over every master.
 */
class BusWorksOnRedisClusterTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = RedisServerExtension.cluster();

    @Test
    void framesReachInboxesOnEveryMasterAndRoutesSpreadOverTheCluster() throws Exception {
        List<String> instances = RedisServerExtension.oneOnEachMaster(i -> "gw-c" + i, BusWorksOnRedisClusterTest::inboxChannel);
        List<CollectingInbox> inboxes = new ArrayList<>();
        try (UnifiedJedis redis = REDIS.settings().newClient()) {
            for (String instance : instances) {
                inboxes.add(CollectingInbox.start(REDIS.settings(), instance));
            }
            RoutingRegistry registry = new RoutingRegistry(redis, Duration.ofSeconds(30), Clock.systemUTC());
            DeliveryBus bus = new DeliveryBus(redis, registry, Clock.systemUTC());
            List<String> connections = instances.stream().map(i -> i + ".1").toList();

            assertEquals(instances.size(), bus.toConnections(connections, ServerEvent.CHAT_UPDATED,
                    Empty.getDefaultInstance()), "one frame per instance, in one pipeline across masters");
            for (CollectingInbox inbox : inboxes) {
                assertEquals(inbox.instance + ".1", inbox.next().getConnections().getConnectionIds(0));
            }

            for (int u = 0; u < 60; u++) {
                redis.zadd(BusKeys.userRoutes("user-" + u), System.currentTimeMillis(), instances.getFirst());
            }
            List<List<String>> live = registry.liveInstances(List.of(BusKeys.userRoutes("user-1"), BusKeys.userRoutes("user-2")));
            assertEquals(List.of(List.of(instances.getFirst()), List.of(instances.getFirst())), live,
                    "a pipelined lookup of keys on different masters");
            REDIS.keysPerNode().forEach((port, keys) ->
                    assertTrue(keys > 0, "master on port " + port + " holds keys: " + REDIS.keysPerNode()));
        } finally {
            inboxes.forEach(CollectingInbox::close);
        }
    }

    @Test
    void aClusterBusReadsNothingAheadAndTheDeliveryLooksUpItself() throws Exception {
        String instance = RedisServerExtension.oneOnEachMaster(i -> "gw-c" + i, BusWorksOnRedisClusterTest::inboxChannel).getFirst();
        CollectingInbox inbox = CollectingInbox.start(REDIS.settings(), instance);
        try (UnifiedJedis redis = REDIS.settings().newClient()) {
            RoutingRegistry registry = new RoutingRegistry(redis, Duration.ofSeconds(30), Clock.systemUTC());
            DeliveryBus bus = new DeliveryBus(redis, registry, Clock.systemUTC());
            registry.addUser(instance, "ahead-user");
            LuaScript script = LuaScript.fromResource(BusWorksOnRedisClusterTest.class, "/lua/incr_by.lua");
            script.run(redis, List.of("counter:{ahead}"), List.of("1")); // loaded: a standalone client would pipeline now

            // Its reads would run on other masters, in no order with the script's write.
            assertFalse(bus.readsAhead());
            assertEquals(RouteLookup.NONE, bus.lookUpAhead(List.of("ahead-user")));
            RouteLookup ahead = new RouteLookup(registry, List.of("ahead-user")); // as a standalone bus would
            assertEquals(2L, script.run(redis, List.of("counter:{ahead}"), List.of("1"), ahead));
            assertNull(ahead.instancesOf("ahead-user"), "the script ran on its own; the reads were not sent");
            assertEquals(1, bus.toUsers(List.of("ahead-user"), ServerEvent.CHAT_UPDATED, Empty.getDefaultInstance(),
                    List.of(), ahead).instances());
            assertEquals(List.of("ahead-user"), inbox.next().getUsers().getUserIdsList());
        } finally {
            inbox.close();
        }
    }

    @Test
    void routeChangesOnEveryMasterAreAnnouncedToTheCache() {
        List<String> users = RedisServerExtension.oneOnEachMaster(i -> "cached-" + i, BusKeys::userRoutes);
        try (UnifiedJedis redis = REDIS.settings().newClient();
             RouteCache cache = new RouteCache(REDIS.settings(), Duration.ofSeconds(30), 1_000, Clock.systemUTC()).start()) {
            RoutingRegistry gateways = new RoutingRegistry(redis, Duration.ofSeconds(30), Clock.systemUTC());
            RoutingRegistry publisher = new RoutingRegistry(redis, Duration.ofSeconds(30), Clock.systemUTC(), cache);
            CollectingInbox.awaitTrue(cache::isServing, CollectingInbox.WAIT, "subscribed on the channel's master");
            assertEquals(List.of(), publisher.connectedUsers(users), "all offline, and kept so");

            users.forEach(user -> gateways.addUser("gw-k", user));
            CollectingInbox.awaitTrue(() -> publisher.connectedUsers(users).equals(users), CollectingInbox.WAIT,
                    "each master's change announced");
        }
    }

    /** An instance's inbox channel name (its slot picks the master the instance's frames go to). */
    private static String inboxChannel(String instance) {
        return new String(BusKeys.inbox(instance), StandardCharsets.UTF_8);
    }
}
