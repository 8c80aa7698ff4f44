package io.sup.realtime.platform.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.args.ClientPauseMode;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A Redis that hangs (a real one, {@code CLIENT PAUSE ... ALL}: connections are accepted,
 * nothing is answered) while more callers want a connection than the pool holds: the pool's 64
 * connections are all being made, and the other callers wait for one. Every caller fails as
 * Redis unavailable within a bounded time: its connection's timeout, or no free connection
 * within the timeout ({@link RedisSettings#isPoolExhausted}), counted in
 * {@code redis.errors{kind=connection}}. With the pool's default unbounded
 * wait, callers that found the pool full while connections were being made waited forever
 * (commons-pool2 then waits for an idle connection that never comes when every attempt fails).
 * Once the pause ends, commands succeed. The callers are platform threads: more of them
 * contend at once than virtual threads on two carriers would, which is what showed the hang in
 * every run (9-27 of the 32 surplus callers) where virtual threads showed it in one of two.
 */
class CallersWaitingForAConnectionFailInTimeTest {
    private static final int CALLERS = RedisSettings.POOL_SIZE + 32;
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** Long enough that every caller has failed before it ends (CLIENT UNPAUSE is paused too). */
    private static final Duration PAUSE = Duration.ofSeconds(8);

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Test
    void everyCallerFailsAsUnavailableWhileRedisHangs() throws Exception {
        Map<String, Integer> outcomes = new ConcurrentHashMap<>();
        double connectionErrors = errors("connection");
        double otherErrors = errors("other");
        try (UnifiedJedis redis = new RedisSettings(REDIS.url(), TIMEOUT).newClient()) {
            try (Jedis admin = new Jedis(REDIS.url())) {
                admin.clientPause(PAUSE.toMillis(), ClientPauseMode.ALL);
            }
            List<Thread> callers = new ArrayList<>();
            for (int i = 0; i < CALLERS; i++) {
                callers.add(Thread.ofPlatform().start(() -> outcomes.merge(outcomeOfAGet(redis), 1, Integer::sum)));
            }
            Instant deadline = Instant.now().plus(PAUSE.minusSeconds(1));
            for (Thread caller : callers) {
                caller.join(Duration.between(Instant.now(), deadline).plusMillis(1));
            }

            assertEquals(0, callers.stream().filter(Thread::isAlive).count(),
                    "callers still waiting " + PAUSE.minusSeconds(1) + " after the hang began: " + outcomes);
            assertEquals(CALLERS, outcomes.getOrDefault("connection failed", 0)
                    + outcomes.getOrDefault("no free connection", 0), "every caller failed as unavailable: " + outcomes);
            assertTrue(errors("connection") >= connectionErrors + CALLERS, "each counted as kind=connection");
            assertEquals(otherErrors, errors("other"), "none counted as kind=other");
            await().atMost(PAUSE.plusSeconds(5)).ignoreExceptions()
                    .until(() -> "OK".equals(redis.set("k", "back"))); // Redis answers again
        }
    }

    private static double errors(String kind) {
        return Metrics.globalRegistry().counter("redis.errors", List.of(Tag.create("kind", kind)))
                .map(Counter::count).orElse(0L);
    }

    private static String outcomeOfAGet(UnifiedJedis redis) {
        try {
            redis.get("k");
            return "answered";
        } catch (JedisConnectionException e) {
            return "connection failed";
        } catch (JedisException e) {
            return RedisSettings.isPoolExhausted(e) ? "no free connection" : e.toString();
        }
    }
}
