package io.sup.realtime.platform.redis;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One thread that times the Redis commands of every {@link WatchedConnection} with the same
 * timeout: every tick (an eighth of the timeout, 5-250 ms) it closes each connection whose
 * write, flush or reply has waited longer than the timeout. A late reply so fails after the
 * timeout and about one tick more: about 2.25 s with the default {@code REDIS_TIMEOUT_MS} of 2 s.
 *
 * <p>One watch per timeout for the whole process (a service has one; tests use several), on a
 * daemon platform thread that lives as long as the process. A tick costs a look at each
 * connection's due time: at most a pool's 64 connections per client.
 */
final class ReplyTimeoutWatch {
    private static final Logger LOG = System.getLogger(ReplyTimeoutWatch.class.getName());
    private static final Map<Duration, ReplyTimeoutWatch> BY_TIMEOUT = new ConcurrentHashMap<>();
    private static final long MIN_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long MAX_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final Duration timeout;
    private final Set<WatchedConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong ticks = new AtomicLong();

    private ReplyTimeoutWatch(Duration timeout) {
        this.timeout = timeout;
        long tick = Math.clamp(timeout.toNanos() / 8, MIN_TICK_NANOS, MAX_TICK_NANOS);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("redis-reply-timeouts-" + timeout.toMillis() + "ms").factory());
        ticker.scheduleAtFixedRate(this::tick, tick, tick, TimeUnit.NANOSECONDS);
    }

    /** The process's watch for replies due within {@code timeout} (positive). */
    static ReplyTimeoutWatch of(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("a reply timeout must be positive, not " + timeout);
        }
        return BY_TIMEOUT.computeIfAbsent(timeout, ReplyTimeoutWatch::new);
    }

    Duration timeout() {
        return timeout;
    }

    void add(WatchedConnection connection) {
        connections.add(connection);
    }

    void remove(WatchedConnection connection) {
        connections.remove(connection);
    }

    /** How many ticks have looked at the connections so far (for tests). */
    long ticks() {
        return ticks.get();
    }

    private void tick() {
        try {
            long now = System.nanoTime();
            for (WatchedConnection connection : connections) {
                if (connection.expireIfLate(now)) {
                    // Closed and broken: its pool destroys it without a disconnect (it is not connected).
                    connections.remove(connection);
                }
            }
            ticks.incrementAndGet();
        } catch (Throwable e) {
            // A failed tick must not end the schedule (a periodic task that throws is never run again).
            LOG.log(Level.WARNING, "Redis reply timeout watch: " + e);
        }
    }
}
