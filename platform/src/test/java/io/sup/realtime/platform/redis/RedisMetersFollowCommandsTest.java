package io.sup.realtime.platform.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * The client's meters against a real Redis: each command, script and pipeline sync adds a
 * latency sample under its own tags, and a Redis that is really stopped moves the
 * {@code redis.errors{kind=connection}} counter.
 */
class RedisMetersFollowCommandsTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final LuaScript ECHO = LuaScript.fromResource(RedisMetersFollowCommandsTest.class, "/lua/echo_key.lua");

    @Test
    void commandsScriptsAndPipelinesAreTimedByName() {
        long sets = samples("SET", "-");
        long scripts = samples("EVALSHA", "echo_key.lua");
        long pipelines = samples("PIPELINE", "-");
        try (UnifiedJedis redis = REDIS.settings().newClient()) {
            redis.set("metered:{a}", "1");
            assertEquals("1", ECHO.run(redis, List.of("metered:{a}"), List.of()).toString());
            try (AbstractPipeline pipeline = redis.pipelined()) {
                pipeline.get("metered:{a}");
                pipeline.incr("metered:{b}");
                pipeline.sync();
            }
        }
        assertEquals(sets + 1, samples("SET", "-"), "one SET sample");
        assertTrue(samples("EVALSHA", "echo_key.lua") >= scripts + 1, "the script is timed under its name");
        assertEquals(pipelines + 1, samples("PIPELINE", "-"), "one sample per pipeline sync, not per command");
    }

    @Test
    void aStoppedRedisMovesTheConnectionErrorCounter() throws Exception {
        double before = errors("connection");
        try (UnifiedJedis redis = REDIS.settings().newClient()) {
            REDIS.stop();
            try {
                assertThrows(JedisConnectionException.class, () -> redis.get("metered:{a}"));
                assertThrows(JedisConnectionException.class, () -> {
                    try (AbstractPipeline pipeline = redis.pipelined()) {
                        pipeline.get("metered:{a}");
                        pipeline.sync();
                    }
                });
            } finally {
                REDIS.startAgain();
            }
        }
        assertTrue(errors("connection") >= before + 2, "a failed command and a failed pipeline counted");
    }

    private static long samples(String command, String script) {
        return Metrics.globalRegistry().timer("redis.commands",
                        List.of(Tag.create("command", command), Tag.create("script", script)))
                .map(Timer::count).orElse(0L);
    }

    private static double errors(String kind) {
        return Metrics.globalRegistry().counter("redis.errors", List.of(Tag.create("kind", kind)))
                .map(Counter::count).orElse(0L);
    }
}
