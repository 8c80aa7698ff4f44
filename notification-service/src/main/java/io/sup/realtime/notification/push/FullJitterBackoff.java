package io.sup.realtime.notification.push;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

import io.helidon.faulttolerance.Retry;

/**
 * Exponential backoff with full jitter, as a helidon-fault-tolerance {@link Retry.RetryPolicy}
 * (the SPI {@code Retry.builder().retryPolicy(...)} takes). Before retry {@code n} (1 for the
 * first retry, that is the second attempt) it waits a uniformly random whole number of
 * milliseconds in {@code [0, ceiling(n)]}, where
 * {@code ceiling(n) = min(cap, base × 2^(n-1))}; after {@code attempts} attempts it stops.
 *
 * <p>Source: Marc Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog (2015),
 * <a href="https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/">aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter</a>,
 * "Full Jitter": {@code sleep = random_between(0, min(cap, base * 2 ** attempt))}, with its
 * {@code attempt} counted from 0 at the first retry. Spreading the retries of many failed
 * pushes over the whole window keeps a receiver that comes back from being hit by all of them
 * at once. Helidon's own policies do one half each: {@code Retry.DelayingRetryPolicy} grows
 * without jitter, {@code Retry.JitterRetryPolicy} jitters without growing.
 *
 * <p>Thread-safe: one instance serves every push of a provider.
 */
public final class FullJitterBackoff implements Retry.RetryPolicy {
    private final int attempts;
    private final long baseMillis;
    private final long capMillis;
    private final RandomGenerator random;

    /**
     * With {@link ThreadLocalRandom} as the source of jitter.
     *
     * @param attempts most attempts, the first included (1: never retry)
     * @param base     the first retry's ceiling (positive, whole milliseconds)
     * @param cap      the largest ceiling, at least {@code base}
     * @throws IllegalArgumentException when a bound is out of range
     */
    public FullJitterBackoff(int attempts, Duration base, Duration cap) {
        this(attempts, base, cap, () -> ThreadLocalRandom.current().nextLong());
    }

    /**
     * @param attempts most attempts, the first included (1: never retry)
     * @param base     the first retry's ceiling (positive, whole milliseconds)
     * @param cap      the largest ceiling, at least {@code base}
     * @param random   the source of jitter; {@code nextLong(bound)} is called from the sending
     *                 threads, so it must be thread-safe
     * @throws IllegalArgumentException when a bound is out of range
     */
    public FullJitterBackoff(int attempts, Duration base, Duration cap, RandomGenerator random) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
        if (base.toMillis() < 1 || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("need 1 ms <= base <= cap, got base " + base + ", cap " + cap);
        }
        this.attempts = attempts;
        this.baseMillis = base.toMillis();
        this.capMillis = cap.toMillis();
        this.random = random;
    }

    /**
     * Called by {@code Retry} after each failed attempt.
     *
     * @param firstCallMillis when the first attempt started (unused)
     * @param lastDelay       the previous delay in ms (unused: the ceiling follows the count alone)
     * @param attemptsMade    how many attempts have been made so far (1 after the first)
     * @return the delay in ms before the next attempt, within {@code [0, ceiling(attemptsMade)]};
     *     empty once {@code attempts} attempts have been made
     */
    @Override
    public Optional<Long> nextDelayMillis(long firstCallMillis, long lastDelay, int attemptsMade) {
        if (attemptsMade >= attempts) {
            return Optional.empty();
        }
        return Optional.of(random.nextLong(ceilingMillis(attemptsMade) + 1));
    }

    /**
     * The most retry {@code retry} waits: {@code min(cap, base × 2^(retry-1))} ms.
     *
     * @param retry 1 for the first retry
     */
    public long ceilingMillis(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retries count from 1");
        }
        long ceiling = baseMillis;
        for (int i = 1; i < retry && ceiling < capMillis; i++) {
            ceiling = ceiling > capMillis / 2 ? capMillis : ceiling * 2; // never overflows
        }
        return Math.min(ceiling, capMillis);
    }

    /** The longest all retries of one push can wait together, in ms: the sum of every ceiling. */
    public long maxTotalDelayMillis() {
        long total = 0;
        for (int retry = 1; retry < attempts; retry++) {
            total += ceilingMillis(retry);
        }
        return total;
    }

    /** Most attempts, the first included. */
    public int attempts() {
        return attempts;
    }
}
