package io.sup.realtime.platform.observe;

import java.time.Duration;
import java.util.List;

import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;

/**
 * Latency timers with one fixed set of histogram buckets, so that every latency on a
 * dashboard is read the same way ({@code histogram_quantile} over {@code <name>_seconds_bucket})
 * and a timer costs a known number of series: 1, 2.5, 5, 10, 25, 50, 100, 250, 500 ms, 1, 2.5,
 * 5, 10 s (plus +Inf). Buckets rather than client-side percentiles: buckets add up across
 * instances, percentiles do not.
 */
public final class LatencyTimers {
    /** The buckets' upper bounds. */
    public static final List<Duration> BUCKETS = List.of(Duration.ofMillis(1), Duration.ofNanos(2_500_000),
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2_500), Duration.ofSeconds(5), Duration.ofSeconds(10));

    private LatencyTimers() {
    }

    /**
     * The timer {@code name} with {@code tags} in the global registry (created at the first
     * call; look it up once and keep it, not per event).
     *
     * @param name        the meter's name, e.g. {@code gateway.event.latency} (Prometheus:
     *                    {@code gateway_event_latency_seconds})
     * @param description what it measures, from where to where
     * @param tags        its labels
     */
    public static Timer timer(String name, String description, List<Tag> tags) {
        return Metrics.globalRegistry().getOrCreate(Timer.builder(name).description(description)
                .buckets(BUCKETS.toArray(Duration[]::new)).tags(tags));
    }
}
