package io.sup.realtime.platform.bus;

import static io.sup.realtime.platform.bus.CollectingInbox.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import com.google.protobuf.Empty;
import io.sup.realtime.platform.testing.MutableClock;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.Tuple;

/**
 * A publisher's {@link RouteCache} against a real Redis and the gateways' real announcements:
 * what it keeps is served without reading Redis (changes written behind the registry's back,
 * unannounced, stay unseen: that is how these tests tell a kept answer from a read), every
 * announced change replaces it, liveness is still judged by the entries' scores, and nothing
 * is kept across a lost subscription or for longer than a third of the TTL.
 */
class RouteCacheFollowsTheGatewaysAnnouncementsTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final Duration TTL = Duration.ofSeconds(30);
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final long T0 = 1_700_000_000_000L;

    private UnifiedJedis redis;
    private MutableClock clock;
    /** The gateways' side: writes and announces. */
    private RoutingRegistry gateways;
    private RouteCache cache;
    /** The publisher's side: reads through the cache. */
    private RoutingRegistry publisher;

    @BeforeEach
    void setUp() {
        redis = REDIS.settings().newClient();
        clock = new MutableClock(T0);
        gateways = new RoutingRegistry(redis, TTL, clock);
        cache = new RouteCache(REDIS.settings(), TTL, 1_000, clock).start();
        publisher = new RoutingRegistry(redis, TTL, clock, cache);
        awaitTrue(cache::isServing, WAIT, "the cache follows the announcements");
    }

    @AfterEach
    void tearDown() {
        cache.close();
        redis.close();
    }

    @Test
    void aKeptRouteIsServedFromMemoryUntilAGatewayAnnouncesAChange() {
        joined("gw-a", "alice");
        assertEquals(List.of("gw-a"), routesOf("alice"));

        unannouncedZadd("alice", "gw-hidden", T0);
        assertEquals(List.of("gw-a"), routesOf("alice"), "served from memory: the unannounced write is unseen");

        gateways.addUser("gw-b", "alice");
        awaitRoutes("alice", Set.of("gw-a", "gw-b", "gw-hidden"), "the announced join replaced what was kept");

        gateways.removeUser("gw-a", "alice");
        awaitRoutes("alice", Set.of("gw-b", "gw-hidden"), "the announced leave replaced what was kept");
    }

    @Test
    void aUserKnownOfflineStaysKnownUntilTheirFirstConnectionIsAnnounced() {
        assertEquals(List.of(), publisher.connectedUsers(List.of("bob")));
        unannouncedZadd("bob", "gw-hidden", T0);
        assertEquals(List.of(), publisher.connectedUsers(List.of("bob")), "kept: offline");

        gateways.addUser("gw-a", "bob");
        awaitTrue(() -> publisher.connectedUsers(List.of("bob")).equals(List.of("bob")), WAIT, "bob online");
    }

    @Test
    void reStampingIsNotAChangeButAnEntryMissingFromRedisIsAnnouncedByTheHeartbeat() {
        joined("gw-a", "alice");
        joined("gw-a", "carol");
        assertEquals(List.of("gw-a"), routesOf("alice"));
        assertEquals(List.of("gw-a"), routesOf("carol"));
        unannouncedZadd("alice", "gw-hidden", T0);

        clock.advance(Duration.ofSeconds(1));
        gateways.refresh("gw-a", List.of("alice"), List.of()); // re-stamps gw-a: not a change
        gateways.addUser("gw-b", "carol"); // announced after it, on the same channel
        awaitRoutes("carol", Set.of("gw-a", "gw-b"), "carol's change arrived");
        assertEquals(List.of("gw-a"), routesOf("alice"), "the re-stamp announced nothing");

        redis.zrem(BusKeys.userRoutes("alice"), "gw-a"); // lost in Redis (a failover, a stall past the TTL)
        gateways.refresh("gw-a", List.of("alice"), List.of());
        awaitRoutes("alice", Set.of("gw-a", "gw-hidden"), "the heartbeat put gw-a back and announced it");
    }

    @Test
    void anInstanceThatStopsRefreshingDropsOutAtTheTtlWhateverIsKept() {
        long almostStale = T0 - TTL.toMillis() + 5_000; // its last refresh was 25 s ago
        redis.zadd(BusKeys.userRoutes("dave"), almostStale, "gw-dying");
        assertEquals(List.of("gw-dying"), routesOf("dave"));

        clock.advance(Duration.ofSeconds(6)); // kept still (a third of the TTL is 10 s), but gw-dying is stale now
        unannouncedZadd("dave", "gw-hidden", clock.millis());
        assertEquals(List.of(), routesOf("dave"), "judged by its score, from memory");
    }

    @Test
    void nothingIsKeptLongerThanAThirdOfTheTtl() {
        joined("gw-a", "erin");
        assertEquals(List.of("gw-a"), routesOf("erin"));
        unannouncedZadd("erin", "gw-hidden", T0);

        clock.advance(TTL.dividedBy(3).minusMillis(1));
        assertEquals(List.of("gw-a"), routesOf("erin"));
        clock.advance(Duration.ofMillis(2));
        assertEquals(Set.of("gw-a", "gw-hidden"), Set.copyOf(routesOf("erin")), "read again");
    }

    @Test
    void aReadSentBeforeAChangeArrivedIsNotKept() {
        String key = BusKeys.userRoutes("frank");
        List<Tuple> stale = List.of(new Tuple("gw-old", (double) T0));

        long ticket = cache.ticket(); // the read is sent...
        cache.changed(key); // ...a gateway's change arrives before its reply...
        cache.remember(key, stale, ticket); // ...which must not be kept
        assertNull(cache.members(key));

        long later = cache.ticket(); // a read sent after the change arrived
        cache.remember(key, stale, later);
        assertEquals(stale, cache.members(key));

        cache.remember(key, List.of(), ticket); // a slower, older read does not replace a newer one
        assertEquals(stale, cache.members(key));
    }

    @Test
    void whatWasKeptBeforeTheSubscriptionWasLostIsNotServedAfterIt() throws Exception {
        joined("gw-a", "gina");
        assertEquals(List.of("gw-a"), routesOf("gina"));

        REDIS.stop();
        try {
            awaitTrue(() -> !cache.isServing(), WAIT, "not serving while announcements cannot arrive");
        } finally {
            REDIS.startAgain();
        }
        awaitTrue(cache::isServing, Duration.ofSeconds(30), "serving again once re-subscribed");

        unannouncedZadd("gina", "gw-hidden", T0); // as if announced while the subscription was down
        assertEquals(Set.of("gw-a", "gw-hidden"), Set.copyOf(routesOf("gina")), "read afresh, not served from before");
    }

    @Test
    void deliveriesGoThroughTheCacheWithAndWithoutAReadAhead() throws Exception {
        DeliveryBus bus = new DeliveryBus(redis, publisher, clock);
        try (CollectingInbox gwA = CollectingInbox.start(REDIS.settings(), "gw-a")) {
            joined("gw-a", "hank");
            assertEquals(1, bus.toUsers(List.of("hank"), ServerEvent.CHAT_UPDATED, Empty.getDefaultInstance(),
                    List.of()).instances());
            assertEquals(List.of("hank"), gwA.next().getUsers().getUserIdsList());

            RouteLookup ahead = bus.lookUpAhead(List.of("hank"));
            assertTrue(ahead.isEmpty(), "hank's routes are kept: nothing to read ahead");
            assertNotNull(ahead.instancesOf("hank"));
            redis.del(BusKeys.userRoutes("hank")); // unannounced: the delivery must not read
            assertEquals(1, bus.toUsers(List.of("hank"), ServerEvent.CHAT_UPDATED, Empty.getDefaultInstance(),
                    List.of(), ahead).instances(), "delivered on the kept route");
            assertEquals(List.of("hank"), gwA.next().getUsers().getUserIdsList());
        }
    }

    /**
     * A gateway's announced join, once its announcement has arrived: a read made before it
     * arrived would be dropped by it, and the test could not tell a kept answer from a read.
     */
    private void joined(String instance, String userId) {
        long before = cache.ticket();
        gateways.addUser(instance, userId);
        awaitTrue(() -> cache.ticket() > before, WAIT, userId + "'s join announced");
    }

    private List<String> routesOf(String userId) {
        return publisher.liveInstances(List.of(BusKeys.userRoutes(userId))).getFirst();
    }

    private void awaitRoutes(String userId, Set<String> expected, String what) {
        awaitTrue(() -> Set.copyOf(routesOf(userId)).equals(expected), WAIT, what + ": " + expected);
    }

    private void unannouncedZadd(String userId, String instance, long score) {
        redis.zadd(BusKeys.userRoutes(userId), score, instance);
    }
}
