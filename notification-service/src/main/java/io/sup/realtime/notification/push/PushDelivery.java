package io.sup.realtime.notification.push;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;

/**
 * Sends pushes through their providers and keeps the books: a dead token's registration is
 * removed, a push given up on becomes a {@link DeadLetters dead letter}, every outcome is
 * counted.
 *
 * <p><b>Concurrency.</b> {@link #deliver} never blocks: it answers a future at once and the
 * push is sent on a virtual thread of its own. At most {@code concurrency} pushes are with
 * their providers at once (a fair {@link Semaphore}: the others wait, parked virtual threads of
 * a few hundred bytes each, and take the free slots in the order they reached it, which is
 * about the order they were handed over). A push's future completes once its slot is free again. {@link #queued()} and {@link #inFlight()}
 * tell a scheduler when to stop handing over more.
 *
 * <p><b>Metrics</b> (Helidon's global registry):
 * <ul>
 *   <li>{@code notification.push}, counter, tags {@code provider} (a configured provider's name,
 *       or {@code unknown}) and {@code outcome}: {@code delivered}, {@code token_invalid} or
 *       {@code dead_letter} (one per push);</li>
 *   <li>{@code notification.push.retries}, counter, tag {@code provider}: one per attempt after
 *       a push's first.</li>
 * </ul>
 */
public final class PushDelivery implements AutoCloseable {
    /** The {@code provider} tag of pushes for a provider this deployment has not configured. */
    public static final String UNKNOWN_PROVIDER = "unknown";
    /** The error of those pushes' dead letters. */
    public static final String NOT_CONFIGURED = "provider not configured";
    private static final Logger LOG = System.getLogger(PushDelivery.class.getName());
    /** How long {@link #close()} lets pushes under way finish before interrupting them. */
    private static final Duration DEFAULT_CLOSE_GRACE = Duration.ofSeconds(5);

    private final Map<String, PushProvider> providers;
    private final DeadLetters deadLetters;
    private final Registrations registrations;
    private final Semaphore slots;
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("push-", 0).factory());
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final MeterRegistry metrics = Metrics.globalRegistry();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    /**
     * @param providers     the configured providers by {@link PushProvider#name()}
     * @param deadLetters   where pushes given up on are recorded
     * @param registrations where dead tokens' registrations are removed
     * @param concurrency   most pushes with their providers at once, at least 1
     *                      ({@link PushConfig#concurrency()})
     * @throws IllegalArgumentException when a key is not its provider's name, or concurrency < 1
     */
    public PushDelivery(Map<String, PushProvider> providers, DeadLetters deadLetters, Registrations registrations,
                        int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
        providers.forEach((name, provider) -> {
            if (!name.equals(provider.name()) || name.equals(UNKNOWN_PROVIDER)) {
                throw new IllegalArgumentException("provider registered as '" + name + "' is named '"
                        + provider.name() + "'");
            }
        });
        this.providers = Map.copyOf(providers);
        this.deadLetters = deadLetters;
        this.registrations = registrations;
        this.slots = new Semaphore(concurrency, true);
        for (String provider : this.providers.keySet()) { // so /metrics shows them at 0 from the start
            for (String outcome : List.of("delivered", "token_invalid", "dead_letter")) {
                pushes(provider, outcome);
            }
            retries(provider);
        }
    }

    /** The names of the configured providers: what a registration's {@code provider} may be. */
    public Set<String> providers() {
        return providers.keySet();
    }

    /**
     * Sends {@code message} through its device's provider, on a virtual thread; returns at once.
     *
     * <p>Then: {@link PushOutcome.TokenInvalid} removes the registration (only while it still
     * holds that token, see {@link Registrations#remove}); {@link PushOutcome.Failed} records a
     * dead letter; a device whose provider is not configured ends {@code Failed(0, "provider not
     * configured")}, dead-lettered too. A provider that throws (it should not) ends
     * {@code Failed(1, "provider error: <exception class>")}.
     *
     * @return completes with the outcome once that bookkeeping is done; fails only when the
     *     bookkeeping failed (Redis unreachable: the exception of {@link DeadLetters#record} or
     *     {@link Registrations#remove}; the outcome is counted all the same), or when
     *     {@link #close(Duration)} interrupted the push before it got a slot (never sent)
     * @throws RejectedExecutionException after {@link #close}
     */
    public CompletableFuture<PushOutcome> deliver(PushMessage message) {
        CompletableFuture<PushOutcome> done = new CompletableFuture<>();
        queued.incrementAndGet();
        try {
            threads.execute(() -> run(message, done));
        } catch (RejectedExecutionException closed) {
            queued.decrementAndGet();
            throw closed;
        }
        return done;
    }

    /** Pushes handed to {@link #deliver} that wait for a free slot. */
    public int queued() {
        return queued.get();
    }

    /** Pushes with their providers (or being booked) now; at most {@code concurrency}. */
    public int inFlight() {
        return inFlight.get();
    }

    /** {@link #close(Duration)} with a grace of 5 s. */
    @Override
    public void close() {
        close(DEFAULT_CLOSE_GRACE);
    }

    /**
     * Stops taking pushes ({@link #deliver} then throws), lets those handed over finish for up
     * to {@code grace}, then interrupts the rest: a push under way ends {@code Failed} with error
     * {@code interrupted} and is dead-lettered (if Redis still answers); one still waiting for a
     * slot was never sent, and its future fails with {@link InterruptedException} (its schedule
     * should keep it due). Does not close the providers: whoever made them closes them, after this.
     *
     * @param grace how long to wait before interrupting (zero: interrupt at once)
     */
    public void close(Duration grace) {
        threads.shutdown();
        try {
            if (!threads.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                threads.shutdownNow();
                threads.awaitTermination(DEFAULT_CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            threads.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private void run(PushMessage message, CompletableFuture<PushOutcome> done) {
        try {
            slots.acquire();
        } catch (InterruptedException e) { // closing: never sent
            queued.decrementAndGet();
            done.completeExceptionally(e);
            return;
        }
        queued.decrementAndGet();
        inFlight.incrementAndGet();
        PushOutcome outcome = null;
        Throwable failure = null;
        try {
            outcome = send(message);
            // Interrupted (closing): book it all the same. On a virtual thread an interrupt
            // would close the Redis socket under the write, so hold it back until after.
            boolean interrupted = Thread.interrupted();
            try {
                book(message, outcome);
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "push " + message.pushId() + " to " + message.device()
                    + (outcome == null ? " failed: " : " ended but could not be booked: ") + e);
            failure = e;
        } finally {
            inFlight.decrementAndGet();
            slots.release();
        }
        if (failure == null) { // once the slot is free: a caller that waits sees it so
            done.complete(outcome);
        } else {
            done.completeExceptionally(failure);
        }
    }

    private PushOutcome send(PushMessage message) {
        PushProvider provider = providers.get(message.device().provider());
        if (provider == null) {
            return new PushOutcome.Failed(0, NOT_CONFIGURED);
        }
        try {
            return provider.send(message);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "provider " + provider.name() + " threw on push " + message.pushId()
                    + ": " + e.getClass().getName());
            return new PushOutcome.Failed(1, "provider error: " + e.getClass().getSimpleName());
        }
    }

    /** Counts the outcome, then removes the registration or records the dead letter. */
    private void book(PushMessage message, PushOutcome outcome) {
        PushDevice device = message.device();
        String provider = providers.containsKey(device.provider()) ? device.provider() : UNKNOWN_PROVIDER;
        if (outcome.attempts() > 1) {
            retries(provider).increment(outcome.attempts() - 1);
        }
        switch (outcome) {
            case PushOutcome.Delivered d -> pushes(provider, "delivered").increment();
            case PushOutcome.TokenInvalid t -> {
                pushes(provider, "token_invalid").increment();
                registrations.remove(device.userId(), device.deviceId(), device.token());
            }
            case PushOutcome.Failed failed -> {
                pushes(provider, "dead_letter").increment();
                LOG.log(Level.INFO, "push " + message.pushId() + " to " + device + " given up after "
                        + failed.attempts() + " attempts: "
                        + DeadLetters.withoutToken(failed.error(), device.token()));
                deadLetters.record(message, failed);
            }
        }
    }

    private Counter pushes(String provider, String outcome) {
        return counters.computeIfAbsent(provider + "|" + outcome, k -> metrics.getOrCreate(
                Counter.builder("notification.push")
                        .description("Pushes by how they ended: delivered, token_invalid (registration removed) "
                                + "or dead_letter (given up)")
                        .tags(List.of(Tag.create("provider", provider), Tag.create("outcome", outcome)))));
    }

    private Counter retries(String provider) {
        return counters.computeIfAbsent(provider + "|retries", k -> metrics.getOrCreate(
                Counter.builder("notification.push.retries")
                        .description("Push attempts after a push's first")
                        .tags(List.of(Tag.create("provider", provider)))));
    }
}
