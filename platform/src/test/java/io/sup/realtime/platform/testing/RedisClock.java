package io.sup.realtime.platform.testing;

import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.SafeEncoder;

/**
 * Redis's own clock ({@code TIME}), the one the rate limiter's windows run on. A test that
 * must let a window pass waits on this clock reaching the instant the window ends, rather
 * than sleeping for a guessed time on its own clock.
 */
public final class RedisClock {
    private RedisClock() {
    }

    /** Redis's time, in microseconds since the epoch. */
    public static long nowMicros(UnifiedJedis redis) {
        List<?> time = (List<?>) redis.sendCommand(Protocol.Command.TIME);
        return Long.parseLong(SafeEncoder.encode((byte[]) time.get(0))) * 1_000_000
                + Long.parseLong(SafeEncoder.encode((byte[]) time.get(1)));
    }

    /** Waits until Redis's clock has passed {@code micros} (at most 30 s). */
    public static void awaitPast(UnifiedJedis redis, long micros) {
        Awaitility.await("Redis's clock past " + micros + " us").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(5)).pollDelay(Duration.ZERO)
                .until(() -> nowMicros(redis) > micros);
    }

    /** Waits until {@code ms} have passed on Redis's clock from now. */
    public static void awaitElapsed(UnifiedJedis redis, long ms) {
        awaitPast(redis, nowMicros(redis) + ms * 1000);
    }
}
