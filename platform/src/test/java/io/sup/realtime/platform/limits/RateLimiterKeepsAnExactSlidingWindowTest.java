package io.sup.realtime.platform.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.testing.RedisClock;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.Tuple;

/**
 * {@link RateLimiter} on a real Redis, through its pipelined check: at most {@code max}
 * events in any window, a retry time that is exactly when the oldest counted event leaves
 * it, a window that slides rather than resets, nothing recorded for refused events, one log
 * per (user, event) and one shared by the events under the ceiling, unique entries even
 * when they share a microsecond, and a check that survives Redis forgetting its script.
 */
class RateLimiterKeepsAnExactSlidingWindowTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private UnifiedJedis redis;

    @BeforeEach
    void connect() {
        redis = REDIS.settings().newClient();
    }

    @AfterEach
    void close() {
        redis.close();
    }

    private static RateLimiter limiter(String limits, String ceiling) {
        return new RateLimiter(RateLimits.parse(limits, ceiling), (user, bucket) -> "t:rl:{" + user + "}:" + bucket);
    }

    /** The time (us, Redis's clock) of the log entry at {@code index}, oldest first. */
    private long entryMicros(String key, int index) {
        return (long) redis.zrangeWithScores(key, index, index).getFirst().getScore();
    }

    /** Runs the check alone (with a read beside it); the refusal's retry time, or 0 when allowed. */
    private long attempt(RateLimiter limiter, String user, String event) {
        try {
            assertEquals(false, limiter.check(user, event).alongside(redis, p -> p.exists("t:nothing")),
                    "an allowed check answers the read");
            return 0;
        } catch (ServiceException e) {
            assertEquals(ServiceException.Kind.RESOURCE_EXHAUSTED, e.kind());
            assertTrue(e.retryAfterMs() > 0, "a refusal says when to retry: " + e.retryAfterMs());
            return e.retryAfterMs();
        }
    }

    @Test
    void maxEventsAreAllowedThenTheNextWaitsUntilTheOldestLeavesTheWindow() throws Exception {
        RateLimiter limiter = limiter("e:x=3/500ms", "");
        for (int i = 0; i < 3; i++) {
            assertEquals(0, attempt(limiter, "alice", "e:x"), "event " + (i + 1));
        }
        ServiceException refused = assertThrows(ServiceException.class,
                () -> limiter.check("alice", "e:x").alongside(redis, p -> p.exists("t:nothing")));

        assertTrue(refused.retryAfterMs() > 0 && refused.retryAfterMs() <= 500, "retry in (0, 500]: " + refused.retryAfterMs());
        assertEquals("e:x rate limit: 3 per 500 ms; retry in " + refused.retryAfterMs() + " ms", refused.getMessage());
        assertEquals(3, redis.zcard("t:rl:{alice}:e:x"));
        long ttl = redis.pttl("t:rl:{alice}:e:x");
        assertTrue(ttl > 0 && ttl <= 500, "the log expires a window after its last entry: " + ttl);

        // The hint is enough: once that long has passed on the limiter's clock, one more fits.
        RedisClock.awaitElapsed(redis, refused.retryAfterMs());
        assertEquals(0, attempt(limiter, "alice", "e:x"), "allowed again once the oldest left");
    }

    @Test
    void theWindowSlidesItDoesNotReset() throws Exception {
        RateLimiter limiter = limiter("e:x=3/2000ms", "");
        long first = System.nanoTime();
        attempt(limiter, "alice", "e:x");
        attempt(limiter, "alice", "e:x");
        RedisClock.awaitPast(redis, entryMicros("t:rl:{alice}:e:x", 0) + 1_000_000); // a second after the first
        assertEquals(0, attempt(limiter, "alice", "e:x"), "the third fits");

        long wait = attempt(limiter, "alice", "e:x");
        long sinceFirstMs = (System.nanoTime() - first) / 1_000_000;
        assertTrue(wait > 0 && wait <= 2000 - 1000 + 5 && wait >= 2000 - sinceFirstMs - 5,
                "the wait ends when the first two leave, " + sinceFirstMs + " ms after them: " + wait);

        // The wait is for the first; once the second (sent right after it) has left too, the
        // third, a second younger, is still inside the window.
        RedisClock.awaitPast(redis, entryMicros("t:rl:{alice}:e:x", 1) + 2_000_000);
        assertEquals(0, attempt(limiter, "alice", "e:x"));
        assertEquals(0, attempt(limiter, "alice", "e:x"), "the first two have left: two places");
        assertTrue(attempt(limiter, "alice", "e:x") > 0, "the third event is still in the window: no reset");
    }

    @Test
    void refusedEventsAreNotRecorded() throws Exception {
        RateLimiter limiter = limiter("e:x=2/300ms", "");
        attempt(limiter, "alice", "e:x");
        attempt(limiter, "alice", "e:x");
        long wait = 0;
        for (int i = 0; i < 20; i++) {
            wait = attempt(limiter, "alice", "e:x");
            assertTrue(wait > 0, "refused " + (i + 1));
        }
        assertEquals(2, redis.zcard("t:rl:{alice}:e:x"), "the log holds the accepted events only");

        RedisClock.awaitPast(redis, entryMicros("t:rl:{alice}:e:x", 1) + 300_000); // both entries have left
        assertEquals(0, attempt(limiter, "alice", "e:x"), "a flood of refusals does not push the window on");
        assertEquals(0, attempt(limiter, "alice", "e:x"));
    }

    @Test
    void usersAndEventsAreCountedApartAndTheCeilingIsShared() {
        RateLimiter limiter = limiter("e:own=1/60s", "2/60s");
        assertEquals(0, attempt(limiter, "alice", "e:own"));
        assertTrue(attempt(limiter, "alice", "e:own") > 0);
        assertEquals(0, attempt(limiter, "bob", "e:own"), "another user has a log of its own");

        assertEquals(0, attempt(limiter, "alice", "e:x"), "an event of its own does not count towards the ceiling");
        assertEquals(0, attempt(limiter, "alice", "e:y"));
        ServiceException refused = assertThrows(ServiceException.class,
                () -> limiter.check("alice", "e:z").alongside(redis, p -> p.exists("t:nothing")));

        assertEquals("e:z rate limit: 2 per 60 s, shared by events without a limit of their own; retry in "
                + refused.retryAfterMs() + " ms", refused.getMessage());
        assertEquals(2, redis.zcard("t:rl:{alice}:*"), "events without a limit of their own share one log");
        assertEquals(1, redis.zcard("t:rl:{alice}:e:own"));
    }

    @Test
    void eventsThatShareOneMicrosecondAreAllCounted() {
        // Redis's clock stepped back 10 s after an event was logged: the log's newest time is
        // then "now" for every check until the clock catches up, so these all share it.
        long future = redisMicros() + 10_000_000;
        redis.zadd("t:rl:{alice}:e:x", future, future + ".0");
        RateLimiter limiter = limiter("e:x=10/60s", "");
        for (int i = 0; i < 5; i++) {
            assertEquals(0, attempt(limiter, "alice", "e:x"));
        }

        List<Tuple> log = redis.zrangeWithScores("t:rl:{alice}:e:x", 0, -1);
        assertEquals(6, log.size(), "one entry per event, none overwriting another: " + log);
        assertTrue(log.stream().allMatch(t -> (long) t.getScore() == future), "the log stays in order: " + log);
    }

    @Test
    void aClockThatStepsBackDoesNotStretchTheWaitBeyondTheWindow() {
        long future = redisMicros() + 10_000_000;
        redis.zadd("t:rl:{alice}:e:x", future, future + ".0");

        long wait = attempt(limiter("e:x=1/60s", ""), "alice", "e:x");

        assertTrue(wait > 0 && wait <= 60_000, "retry within the window: " + wait);
    }

    @Test
    void aPipelinedCheckRunsOnceWhenRedisHasForgottenItsScript() {
        RateLimiter limiter = limiter("e:x=5/60s", "");
        attempt(limiter, "alice", "e:x");
        redis.scriptFlush();

        assertEquals(0, attempt(limiter, "alice", "e:x"));
        assertEquals(2, redis.zcard("t:rl:{alice}:e:x"), "the forgotten run did nothing, the reloaded one counted once");
        assertTrue(redis.scriptExists(List.of(RateLimiter.CHECK.sha1())).getFirst(), "loaded again");
    }

    @Test
    void refusalsAreCountedByEvent() {
        Counter refusals = Metrics.globalRegistry().getOrCreate(Counter.builder("rate.limit.refusals")
                .tags(List.of(Tag.create("event", "e:counted"))));
        long before = refusals.count();
        RateLimiter limiter = limiter("e:counted=1/60s", "");
        attempt(limiter, "alice", "e:counted");
        attempt(limiter, "alice", "e:counted");
        attempt(limiter, "alice", "e:counted");

        assertEquals(before + 2, refusals.count());
    }

    private long redisMicros() {
        try (redis.clients.jedis.Jedis jedis = new redis.clients.jedis.Jedis(REDIS.url())) {
            List<String> time = jedis.time();
            return Long.parseLong(time.get(0)) * 1_000_000 + Long.parseLong(time.get(1));
        }
    }
}
