package io.sup.realtime.platform.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * A client whose pool holds idle connections from before a real Redis restart: once Redis
 * is back, every command succeeds (each dead connection is replaced on its first use), not
 * just the ones that happen to get a fresh connection.
 */
class PooledConnectionsSurviveARedisRestartTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Test
    void commandsAfterARestartDoNotFailOnDeadPooledConnections() throws Exception {
        try (UnifiedJedis redis = REDIS.settings().newClient()) {
            fillThePool(redis);
            REDIS.stop();
            REDIS.startAgain();
            for (int i = 0; i < 8; i++) {
                assertEquals("OK", redis.set("k" + i, "after"), "command " + i + " after the restart");
            }
        }
    }

    @Test
    void aFailureWhileRedisIsDownDropsTheIdleConnectionsSoPipelinesWorkWhenItIsBack() throws Exception {
        try (UnifiedJedis redis = REDIS.settings().newClient()) {
            fillThePool(redis);
            REDIS.stop();
            // A periodic task meets the outage: its failure drops every idle connection.
            assertThrows(JedisConnectionException.class, () -> redis.get("k"));
            REDIS.startAgain();
            for (int i = 0; i < 8; i++) {
                try (AbstractPipeline pipeline = redis.pipelined()) {
                    Response<String> reply = pipeline.set("p" + i, "after");
                    pipeline.sync();
                    assertEquals("OK", reply.get(), "pipeline " + i + " after the restart");
                }
            }
        }
    }

    /** Fills the pool with idle connections: eight commands in flight at once. */
    private static void fillThePool(UnifiedJedis redis) throws Exception {
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> sets = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                sets.add(threads.submit(() -> redis.set("k", "v")));
            }
            for (Future<String> set : sets) {
                assertEquals("OK", set.get());
            }
        }
    }
}
