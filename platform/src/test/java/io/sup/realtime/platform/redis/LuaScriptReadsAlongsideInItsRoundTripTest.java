package io.sup.realtime.platform.redis;

import java.util.List;

import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Timer;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * {@link LuaScript#run(UnifiedJedis, List, List, PipelinedReads)} on a real Redis: once the
 * script is loaded, the reads travel in its round trip, after it (they see what it wrote), and
 * the round trip is timed under the script's name; before that, and when Redis has forgotten
 * the script, the script runs on its own, once, and the reads are discarded.
 */
class LuaScriptReadsAlongsideInItsRoundTripTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Test
    void onceLoadedTheReadsFollowTheScriptInItsRoundTrip() {
        LuaScript script = LuaScript.fromResource(getClass(), "/lua/incr_by.lua");
        try (UnifiedJedis redis = REDIS.settings().newClient()) {
            ReadAfter first = new ReadAfter("counter:{r}");
            assertEquals(2L, script.run(redis, List.of("counter:{r}"), List.of("2"), first));
            assertEquals(1, first.discarded, "the first run loads the script, on its own");
            assertNull(first.value);

            double pipelined = timed("PIPELINE", "incr_by.lua");
            double alone = timed("EVALSHA", "incr_by.lua");
            ReadAfter second = new ReadAfter("counter:{r}");
            assertEquals(5L, script.run(redis, List.of("counter:{r}"), List.of("3"), second));

            assertEquals(0, second.discarded);
            assertEquals("5", second.value.get(), "the read ran after the script");
            assertEquals(1, timed("PIPELINE", "incr_by.lua") - pipelined, "one round trip, named by its script");
            assertEquals(0, timed("EVALSHA", "incr_by.lua") - alone);
        }
    }

    @Test
    void whenRedisForgotTheScriptItRunsOnceAndTheReadsAreDiscarded() {
        LuaScript script = LuaScript.fromResource(getClass(), "/lua/incr_by.lua");
        try (UnifiedJedis redis = REDIS.settings().newClient(); Jedis admin = new Jedis(REDIS.url())) {
            script.run(redis, List.of("counter:{f}"), List.of("1"));
            admin.scriptFlush();

            ReadAfter reads = new ReadAfter("counter:{f}");
            assertEquals(11L, script.run(redis, List.of("counter:{f}"), List.of("10"), reads));

            assertEquals(1, reads.discarded, "they ran before the script did");
            assertEquals("11", admin.get("counter:{f}"), "the refused EVALSHA ran nothing; the rerun once");
        }
    }

    @Test
    void afterARedisRestartTheDeadPooledConnectionIsNotTheSendsFailure() throws Exception {
        LuaScript script = LuaScript.fromResource(getClass(), "/lua/incr_by.lua");
        try (UnifiedJedis redis = REDIS.settings().newClient()) {
            script.run(redis, List.of("counter:{d}"), List.of("1")); // loaded; its connection back in the pool

            REDIS.restart();

            ReadAfter reads = new ReadAfter("counter:{d}");
            assertEquals(3L, script.run(redis, List.of("counter:{d}"), List.of("2"), reads),
                    "run on its own on a new connection (and loaded again)");
            assertEquals(1, reads.discarded);
        }
    }

    @Test
    void otherPipelinesStartingWithAScriptAreTimedAsPipelines() {
        LuaScript script = LuaScript.fromResource(getClass(), "/lua/incr_by.lua");
        try (UnifiedJedis redis = REDIS.settings().newClient()) {
            script.run(redis, List.of("counter:{q}"), List.of("1"));
            double plain = timed("PIPELINE", "-");
            double named = timed("PIPELINE", "incr_by.lua");

            try (AbstractPipeline pipeline = redis.pipelined()) {
                var reply = script.queue(redis, pipeline, List.of("counter:{q}"), List.of("1"));
                pipeline.sync();
                assertEquals(2L, reply.get());
            }

            assertEquals(1, timed("PIPELINE", "-") - plain);
            assertEquals(0, timed("PIPELINE", "incr_by.lua") - named);
        }
    }

    /** Reads one key after the script; counts its discards. */
    private static final class ReadAfter implements PipelinedReads {
        private final String key;
        Response<String> value;
        int discarded;

        ReadAfter(String key) {
            this.key = key;
        }

        @Override
        public boolean isEmpty() {
            return false;
        }

        @Override
        public void queueIn(AbstractPipeline pipeline) {
            value = pipeline.get(key);
        }

        @Override
        public void discard() {
            value = null;
            discarded++;
        }
    }

    /** Samples of {@code redis.commands} with these tags so far (the global registry's). */
    private static double timed(String command, String script) {
        return Metrics.globalRegistry().meters().stream()
                .filter(m -> m instanceof Timer && m.id().name().equals("redis.commands")
                        && command.equals(tag(m, "command")) && script.equals(tag(m, "script")))
                .mapToDouble(m -> ((Timer) m).count()).sum();
    }

    private static String tag(Meter meter, String key) {
        return meter.id().tagsMap().getOrDefault(key, "");
    }
}
