package io.sup.realtime.platform.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.SocketTimeoutException;
import java.time.Duration;

import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A standalone client's replies are timed ({@link WatchedConnection}, {@link ReplyTimeoutWatch})
 * against a real Redis that holds writes ({@code CLIENT PAUSE WRITE}, as a stalled Redis would):
 * a command or pipeline whose reply is later than the timeout fails as a socket timeout did,
 * long before the stall ends, without disturbing other commands; afterwards the client works on
 * fresh connections; connections that are idle or got their replies in time are never cut; and
 * a blocking command waits as long as it asked.
 */
class RepliesLaterThanTheTimeoutFailTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** Far longer than the timeout: a command that waited for the stall's end would take this long. */
    private static final Duration STALL = Duration.ofSeconds(20);

    private final UnifiedJedis redis = new RedisSettings(REDIS.url(), TIMEOUT).newClient();

    @AfterEach
    void close() {
        REDIS.unpause();
        redis.close();
    }

    @Test
    void aCommandWhoseReplyIsLateFailsWithATimeoutAndTheClientRecovers() {
        assertEquals("OK", redis.set("k", "before"));
        REDIS.pauseWrites(STALL);
        long start = System.nanoTime();
        JedisConnectionException late = assertThrows(JedisConnectionException.class, () -> redis.set("k", "late"));
        assertTimedOut(late, start);
        assertEquals("before", redis.get("k"), "reads still answer meanwhile, on another connection");
        REDIS.unpause();
        assertEquals("OK", redis.set("k2", "after"));
        assertEquals("after", redis.get("k2"));
    }

    @Test
    void aPipelineWhoseRepliesAreLateFailsWithATimeoutAndTheClientRecovers() {
        REDIS.pauseWrites(STALL);
        long start = System.nanoTime();
        JedisConnectionException late = assertThrows(JedisConnectionException.class, () -> {
            try (AbstractPipeline pipeline = redis.pipelined()) {
                pipeline.get("k");
                pipeline.set("k", "late");
                pipeline.sync();
            }
        });
        assertTimedOut(late, start);
        REDIS.unpause();
        try (AbstractPipeline pipeline = redis.pipelined()) {
            var reply = pipeline.set("p", "after");
            pipeline.sync();
            assertEquals("OK", reply.get());
        }
    }

    @Test
    void connectionsThatGotTheirRepliesInTimeAreNeverCut() {
        long first = clientId();
        // An error reply ends its read like any other: the connection is idle afterwards.
        redis.set("text", "not a number");
        assertThrows(JedisDataException.class, () -> redis.incr("text"));
        try (AbstractPipeline pipeline = redis.pipelined()) {
            pipeline.incr("counter");
            pipeline.sync();
        }
        // Idle in the pool for several timeouts' worth of the watch's ticks (an eighth each).
        long ticks = ReplyTimeoutWatch.of(TIMEOUT).ticks();
        await().atMost(Duration.ofSeconds(10)).until(() -> ReplyTimeoutWatch.of(TIMEOUT).ticks() > ticks + 16);
        assertEquals(first, clientId(), "the same pooled connection serves the next command: nothing cut it");
    }

    @Test
    void aBlockingCommandWaitsAsLongAsItAsked() {
        // BLPOP for 2 s, twice the timeout, on an empty list: it ends by itself, empty-handed.
        assertNull(redis.blpop(2, "nothing-here"));
        assertEquals("OK", redis.set("k", "after a blocking command"), "the connection is timed again");
    }

    private long clientId() {
        return (Long) redis.sendCommand(Protocol.Command.CLIENT, "ID");
    }

    private static void assertTimedOut(JedisConnectionException e, long startNanos) {
        assertInstanceOf(SocketTimeoutException.class, e.getCause(), "the cause is the timeout: " + e);
        // The watch's own message: a socket read timeout would say "Read timed out".
        assertEquals("Redis command not answered within 1000 ms (REDIS_TIMEOUT_MS)", e.getCause().getMessage());
        Duration waited = Duration.ofNanos(System.nanoTime() - startNanos);
        assertTrue(waited.compareTo(STALL.dividedBy(2)) < 0,
                "failed after " + waited.toMillis() + " ms, the stall lasts " + STALL.toMillis() + " ms");
    }
}
