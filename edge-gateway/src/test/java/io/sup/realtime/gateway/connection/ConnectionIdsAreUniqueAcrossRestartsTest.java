package io.sup.realtime.gateway.connection;

import java.time.Clock;
import java.time.Duration;

import io.sup.realtime.platform.bus.RoutingRegistry;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gateway restarted under the same instance id (GATEWAY_INSTANCE_ID) never hands out an id
 * its previous process gave: services remember connections by id for a while (presence's
 * tombstones of closed connections), and a reused id would be taken for the old connection.
 */
class ConnectionIdsAreUniqueAcrossRestartsTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Test
    void aRestartedInstanceStartsANewRangeOfIds() {
        try (UnifiedJedis redis = REDIS.settings().newClient()) {
            RoutingRegistry registry = new RoutingRegistry(redis, Duration.ofSeconds(30), Clock.systemUTC());
            LocalConnections before = new LocalConnections("gw-fixed", registry);
            String first = before.nextId();
            assertTrue(first.startsWith("gw-fixed."), first);
            long startedBefore = System.currentTimeMillis();
            Awaitility.await("the clock to move on").until(() -> System.currentTimeMillis() > startedBefore);

            LocalConnections restarted = new LocalConnections("gw-fixed", registry);
            assertNotEquals(first, restarted.nextId());
            assertNotEquals(before.nextId(), before.nextId());
        }
    }
}
