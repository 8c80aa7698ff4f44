package io.sup.realtime.gateway.limits;

import java.util.List;
import java.util.Map;

import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway's connection keys in a real Redis: what a gateway that dies leaves behind
 * expires by itself, and the keys stay bounded.
 */
class ConnectionStoreTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private UnifiedJedis redis;
    private ConnectionStore store;

    @BeforeEach
    void connect() {
        redis = REDIS.settings().newClient();
        store = new ConnectionStore(redis);
    }

    @AfterEach
    void disconnect() {
        redis.close();
    }

    private ConnectionStore.UserVerdict admit(String connection, long now, long ttl) {
        return store.admitUser("alice", connection, -1, null, 0, 60_000, 2, now, ttl).verdict();
    }

    @Test
    void openConnectionsOfAGatewayThatStoppedRefreshingStopCounting() {
        long now = System.currentTimeMillis();
        assertEquals(ConnectionStore.UserVerdict.ADMITTED, admit("gw-dead.1", now, 1_000));
        assertEquals(ConnectionStore.UserVerdict.ADMITTED, admit("gw-live.1", now, 1_000));
        assertEquals(ConnectionStore.UserVerdict.TOO_MANY_OPEN, admit("gw-live.2", now, 1_000));

        // gw-live refreshes its entry; gw-dead does not, and its entry's time passes.
        store.refresh(Map.of("alice", List.of("gw-live.1")), now + 5_000, 5_000);
        assertEquals(ConnectionStore.UserVerdict.ADMITTED, admit("gw-live.2", now + 1_500, 5_000));
        assertEquals(ConnectionStore.UserVerdict.TOO_MANY_OPEN, admit("gw-live.3", now + 1_500, 5_000));
    }

    @Test
    void entriesRedisLostComeBackWithTheNextRefreshSoTheBoundHoldsAgain() {
        long now = System.currentTimeMillis();
        admit("gw-a.1", now, 10_000);
        admit("gw-a.2", now, 10_000);
        redis.flushAll(); // Redis restarted without its data
        store.refresh(Map.of("alice", List.of("gw-a.1", "gw-a.2")), now + 10_000, 10_000);
        assertEquals(ConnectionStore.UserVerdict.TOO_MANY_OPEN, admit("gw-a.3", now, 10_000));
    }

    @Test
    void everyKeyExpires() {
        long now = System.currentTimeMillis();
        store.admitUser("bob", "gw-a.1", -1, null, 5, 60_000, 10, now, 30_000);
        store.admitAddress(com.google.common.net.InetAddresses.forString("203.0.113.7"), 5, 60_000);
        store.revoke("bob", now, "t-1", 3_600_000, now);
        for (String key : redis.keys("edge:*")) {
            long ttl = redis.pttl(key);
            assertTrue(ttl > 0, key + " has no expiry");
        }
        assertEquals(5, redis.keys("edge:*").size(), redis.keys("edge:*").toString());
    }
}
