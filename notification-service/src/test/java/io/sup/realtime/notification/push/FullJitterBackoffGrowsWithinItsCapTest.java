package io.sup.realtime.notification.push;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;

import io.sup.realtime.notification.push.webhook.WebhookConfig;
import io.sup.realtime.platform.config.Settings;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exponential backoff with full jitter: each retry's ceiling doubles up to the cap, each delay
 * is anywhere from 0 to its ceiling, and no delay follows the last attempt. Asserted on the
 * policy's answers, not on clocks.
 */
class FullJitterBackoffGrowsWithinItsCapTest {
    /** Always the top of the range asked for. */
    private static final RandomGenerator HIGHEST = new RandomGenerator() {
        @Override
        public long nextLong() {
            return Long.MAX_VALUE;
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    };
    /** Always the bottom. */
    private static final RandomGenerator LOWEST = new RandomGenerator() {
        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public long nextLong(long bound) {
            return 0;
        }
    };

    @Test
    void theDefaultScheduleDoublesFrom500MsTo30s() {
        WebhookConfig config = WebhookConfig.from(Settings.of("notification-service", Map.of(
                "notif.webhook.url", "https://relay.example.org/push", "notif.webhook.secret", "s".repeat(32)))).orElseThrow();
        FullJitterBackoff backoff = config.backoffPolicy();

        assertEquals(List.of(500L, 1000L, 2000L, 4000L), IntStream.rangeClosed(1, 4).mapToObj(backoff::ceilingMillis).toList(),
                "5 attempts: 4 retries");
        assertEquals(7500, backoff.maxTotalDelayMillis());
        assertEquals(List.of(16_000L, 30_000L, 30_000L, 30_000L),
                IntStream.rangeClosed(6, 9).mapToObj(backoff::ceilingMillis).toList(), "capped");
        assertEquals(Long.MAX_VALUE / 1000 * 1000, new FullJitterBackoff(100, Duration.ofMillis(1),
                Duration.ofMillis(Long.MAX_VALUE / 1000 * 1000)).ceilingMillis(80), "no overflow past 2^63");
    }

    @Test
    void eachDelayLiesBetweenZeroAndItsCeiling() {
        FullJitterBackoff highest = new FullJitterBackoff(6, Duration.ofMillis(100), Duration.ofMillis(1000), HIGHEST);
        FullJitterBackoff lowest = new FullJitterBackoff(6, Duration.ofMillis(100), Duration.ofMillis(1000), LOWEST);

        assertEquals(List.of(100L, 200L, 400L, 800L, 1000L), IntStream.rangeClosed(1, 5)
                .mapToObj(made -> highest.nextDelayMillis(0, 0, made).orElseThrow()).toList(), "the ceiling is reachable");
        assertEquals(List.of(0L, 0L, 0L, 0L, 0L), IntStream.rangeClosed(1, 5)
                .mapToObj(made -> lowest.nextDelayMillis(0, 0, made).orElseThrow()).toList(), "so is 0");
    }

    @Test
    void delaysSpreadOverTheWholeWindow() {
        SplittableRandom seeded = new SplittableRandom(13);
        RandomGenerator shared = new RandomGenerator() {
            @Override
            public synchronized long nextLong() {
                return seeded.nextLong();
            }
        };
        FullJitterBackoff backoff = new FullJitterBackoff(5, Duration.ofMillis(250), Duration.ofSeconds(10), shared);
        long ceiling = backoff.ceilingMillis(3);
        List<Long> delays = IntStream.range(0, 2_000).mapToObj(i -> backoff.nextDelayMillis(0, 0, 3).orElseThrow()).toList();

        assertEquals(1000, ceiling);
        assertTrue(delays.stream().allMatch(d -> d >= 0 && d <= ceiling), "within [0, ceiling]");
        assertTrue(delays.stream().mapToLong(Long::longValue).min().orElseThrow() < ceiling / 10, "reaches near 0");
        assertTrue(delays.stream().mapToLong(Long::longValue).max().orElseThrow() > ceiling * 9 / 10, "reaches near the ceiling");
        double mean = delays.stream().mapToLong(Long::longValue).average().orElseThrow();
        assertTrue(Math.abs(mean - ceiling / 2.0) < ceiling * 0.05, "uniform: mean " + mean);
    }

    @Test
    void noDelayFollowsTheLastAttempt() {
        FullJitterBackoff backoff = new FullJitterBackoff(3, Duration.ofMillis(10), Duration.ofMillis(100), HIGHEST);
        assertTrue(backoff.nextDelayMillis(0, 0, 2).isPresent());
        assertEquals(Optional.empty(), backoff.nextDelayMillis(0, 0, 3));
        assertEquals(Optional.empty(), new FullJitterBackoff(1, Duration.ofMillis(10), Duration.ofMillis(10)).nextDelayMillis(0, 0, 1),
                "one attempt: never retried");
    }

    @Test
    void impossibleBoundsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new FullJitterBackoff(0, Duration.ofMillis(1), Duration.ofMillis(1)));
        assertThrows(IllegalArgumentException.class, () -> new FullJitterBackoff(3, Duration.ZERO, Duration.ofMillis(1)));
        assertThrows(IllegalArgumentException.class, () -> new FullJitterBackoff(3, Duration.ofMillis(5), Duration.ofMillis(4)));
    }
}
