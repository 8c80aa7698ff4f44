package io.sup.realtime.messaging;

import java.time.Duration;
import java.util.List;

import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.SafeEncoder;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Expiry checks measured on Redis's own clock, with bounds no slow machine can break: Redis
 * {@code TIME} read just before ({@code t0}) and just after ({@code t1}) the command that set
 * a key's TTL brackets the moment Redis computed the expiry, so the key's
 * {@code PEXPIRETIME} must lie in {@code [t0 + ttl, t1 + ttl]} however long the call took.
 */
public final class RedisExpiry {
    private RedisExpiry() {
    }

    /** Redis's clock ({@code TIME}) in whole milliseconds since the epoch, rounded down. */
    public static long nowMs(UnifiedJedis redis) {
        List<?> time = (List<?>) redis.sendCommand(Protocol.Command.TIME);
        long seconds = Long.parseLong(SafeEncoder.encode((byte[]) time.get(0)));
        long micros = Long.parseLong(SafeEncoder.encode((byte[]) time.get(1)));
        return seconds * 1_000 + micros / 1_000;
    }

    /**
     * Asserts that {@code key} expires {@code ttl} after some moment in {@code [t0Ms, t1Ms]}
     * (Redis times from {@link #nowMs} taken around the command that set it).
     */
    public static void assertExpiresTtlAfter(UnifiedJedis redis, String key, Duration ttl, long t0Ms, long t1Ms) {
        long expiresAt = redis.pexpireTime(key);
        long ms = ttl.toMillis();
        assertTrue(expiresAt >= t0Ms + ms && expiresAt <= t1Ms + ms, () -> key + " expires at " + expiresAt
                + " (PEXPIRETIME; -1 no expiry, -2 no key); expected within [" + (t0Ms + ms) + ", " + (t1Ms + ms)
                + "], i.e. " + ms + " ms after the send, which ran within [" + t0Ms + ", " + t1Ms + "]");
    }

    /**
     * Waits until {@code key} no longer exists (each {@code EXISTS} also expires it the
     * moment its TTL has passed), failing after {@code within}.
     */
    public static void awaitGone(UnifiedJedis redis, String key, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (redis.exists(key)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(key + " still exists after " + within + " (PTTL " + redis.pttl(key) + " ms)");
            }
            Thread.sleep(10); // polling pace; what is waited on is the loop's condition
        }
    }
}
