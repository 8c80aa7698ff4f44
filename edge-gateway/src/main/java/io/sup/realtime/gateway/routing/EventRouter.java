package io.sup.realtime.gateway.routing;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.StatusRuntimeException;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.sup.realtime.gateway.connection.ClientConnection;
import io.sup.realtime.gateway.protocol.ClientEvent;
import io.sup.realtime.gateway.protocol.ErrorCode;
import io.sup.realtime.platform.json.ProtoJson;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Maps each client event to one gRPC call on the service that owns it, with a deadline, and
 * the reply or status to an {@link Outcome}. Each domain's events and calls are in its own
 * {@link RouteTable} ({@link MessagingRoutes}, {@link PresenceRoutes}); this class only
 * composes them and maps failures. The event's JSON data is read into the request message
 * (canonical proto3 JSON, unknown fields ignored), and the route then sets the request's
 * {@code caller}, so a client can never speak for someone else. Events of a domain with no
 * table yet are answered {@code UNIMPLEMENTED}.
 *
 * <p>Runs on the connection's {@link io.sup.realtime.gateway.connection.InboundQueue}, one
 * event at a time, so a client's events reach the services in the order it sent them.
 *
 * <p>Sheds load ({@link ShedPolicy}): while {@code maxInFlight} events of a domain are with its
 * service, a further one waits for a slot, up to {@code queueTimeout} in a FIFO queue of at most
 * {@code queueLength}; one that gets none (the wait ran out, or the queue was full) is answered
 * with {@code UNAVAILABLE} "service busy" and {@code retryAfterMs} (the policy's retry time,
 * jittered by +-50 % so that refused clients do not all come back at once), and is not sent: an
 * {@code UNAVAILABLE} with {@code retryAfterMs}
 * is always one that was not sent, so even an event without a {@code tempId} is safe to send
 * again. The events of {@link ClientEvents#NEVER_SHED} pass regardless (and count). A shed event
 * is a gap in a connection's order: the client's next event may be served. Counted in
 * {@code gateway.events.shed{domain}}; logged per domain at the first shed after a quiet 10 s,
 * then with the count shed since at the first event of the domain (shed or served) 10 s after
 * the last line, so a burst's size is told once it is over. {@code gateway.events.in.flight{domain}}
 * is how many are with the service now and {@code gateway.events.waiting{domain}} how many wait
 * for a slot (the process's: summed over the gateways of one JVM, like the connection gauges).
 * A fair {@link Semaphore} per domain holds the slots and the queue: a free slot with nobody
 * waiting is one compare-and-set; otherwise a timed wait in arrival order. (Not Helidon's
 * {@code FixedLimit}: in 4.2.0 its waiting acquire first tries a barging one, so a newcomer can
 * take the slot a waiting event was due, which then times out.) An event's ack can so take up
 * to the queue timeout plus the call's deadline.
 */
public final class EventRouter {
    private static final Logger LOG = System.getLogger(EventRouter.class.getName());

    private static final long SHED_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Map<String, Route> routes;
    private final Map<ClientEvents.Domain, DomainLimit> limits = new EnumMap<>(ClientEvents.Domain.class);
    private final ShedPolicy shed;

    /**
     * @param tables the domains' route tables
     * @param shed   how many events of one domain may be with its service at once, and how many
     *               and how long may wait for a slot
     * @throws IllegalArgumentException when a table routes an event its domain does not own,
     *                                  or two tables route the same event (a wiring mistake)
     */
    public EventRouter(List<? extends RouteTable> tables, ShedPolicy shed) {
        this.shed = shed;
        Map<String, Route> all = new HashMap<>();
        for (RouteTable table : tables) {
            table.routes().forEach((event, route) -> {
                if (ClientEvents.OWNERS.get(event) != table.domain()) {
                    throw new IllegalArgumentException(table.domain() + " routes " + event
                            + ", owned by " + ClientEvents.OWNERS.get(event));
                }
                if (all.putIfAbsent(event, route) != null) {
                    throw new IllegalArgumentException(event + " is routed twice");
                }
            });
            limits.computeIfAbsent(table.domain(), domain -> new DomainLimit(domain, shed));
        }
        this.routes = Map.copyOf(all);
    }

    /**
     * Handles one event of an authenticated connection.
     *
     * @return the outcome to ack (or to report in an {@code error} event)
     */
    public Outcome handle(ClientConnection connection, ClientEvent event) {
        ClientEvents.Domain owner = ClientEvents.OWNERS.get(event.name());
        if (owner == null) {
            return new Outcome.Failed(ErrorCode.INVALID_ARGUMENT, "unknown event");
        }
        Route route = routes.get(event.name());
        if (route == null) {
            return new Outcome.Failed(ErrorCode.UNIMPLEMENTED,
                    owner.name().toLowerCase() + " events are not implemented yet");
        }
        DomainLimit limit = limits.get(owner);
        boolean sheddable = !ClientEvents.NEVER_SHED.contains(event.name());
        if (sheddable && !limit.acquire()) {
            limit.shed();
            return new Outcome.Failed(ErrorCode.UNAVAILABLE, "service busy, retry later", jitteredRetryAfterMs());
        }
        limit.inFlight.incrementAndGet();
        try {
            limit.reportShedding();
            return call(route, connection, event);
        } finally {
            limit.inFlight.decrementAndGet();
            if (sheddable) {
                limit.release();
            }
        }
    }

    /** The retry time, somewhere in [50 %, 150 %) of the policy's. */
    private long jitteredRetryAfterMs() {
        long base = shed.retryAfter().toMillis();
        return Math.max(1, base / 2 + ThreadLocalRandom.current().nextLong(Math.max(1, base)));
    }

    private Outcome call(Route route, ClientConnection connection, ClientEvent event) {
        try {
            return new Outcome.Ok(ProtoJson.print(route.call(connection, connection.caller(), event.dataJson())));
        } catch (InvalidProtocolBufferException e) {
            // The parser's message may quote the bad value: the client gets it, the log does not.
            return new Outcome.Failed(ErrorCode.INVALID_ARGUMENT, "invalid data: " + e.getMessage());
        } catch (StatusRuntimeException e) {
            ErrorCode code = StatusMapping.errorCode(e.getStatus().getCode());
            if (code == ErrorCode.INTERNAL || code == ErrorCode.UNAVAILABLE) {
                LOG.log(Level.WARNING, event.name() + " failed: " + e.getStatus().getCode()
                        + (e.getStatus().getDescription() != null ? " " + e.getStatus().getDescription() : ""));
            }
            return new Outcome.Failed(code, StatusMapping.message(e.getStatus()), StatusMapping.retryAfterMs(e));
        } catch (JedisException e) {
            // The gateway's own Redis (routing registry) failed while changing rooms.
            LOG.log(Level.WARNING, event.name() + " failed: gateway Redis unavailable (" + e.getClass().getSimpleName() + ")");
            return new Outcome.Failed(ErrorCode.UNAVAILABLE, "service unavailable, retry later");
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, event.name() + " failed in the gateway", e);
            return new Outcome.Failed(ErrorCode.INTERNAL, "internal error");
        }
    }

    /** One domain's in-flight limit, its meters, and when its shedding was last logged. */
    private static final class DomainLimit {
        private static final Map<ClientEvents.Domain, AtomicInteger> IN_FLIGHT = perDomain();
        private static final Map<ClientEvents.Domain, AtomicInteger> WAITING = perDomain();

        /** One count per domain, shared by every router of the process (what its gauges read). */
        private static Map<ClientEvents.Domain, AtomicInteger> perDomain() {
            return Arrays.stream(ClientEvents.Domain.values())
                    .collect(Collectors.toUnmodifiableMap(d -> d, d -> new AtomicInteger()));
        }

        private final ClientEvents.Domain domain;
        private final AtomicInteger inFlight;
        private final AtomicInteger waiting;
        /** The slots; null when there is no bound. */
        private final Semaphore slots;
        private final ShedPolicy policy;
        private final Counter shedCount;
        private final AtomicLong unlogged = new AtomicLong();
        private final AtomicLong lastLoggedNanos = new AtomicLong(System.nanoTime() - SHED_LOG_INTERVAL_NANOS);

        DomainLimit(ClientEvents.Domain domain, ShedPolicy policy) {
            this.domain = domain;
            this.policy = policy;
            this.inFlight = IN_FLIGHT.get(domain);
            this.waiting = WAITING.get(domain);
            this.slots = policy.maxInFlight() > 0 ? new Semaphore(policy.maxInFlight(), true) : null;
            List<Tag> tags = List.of(Tag.create("domain", domain.name().toLowerCase()));
            Metrics.globalRegistry().getOrCreate(Gauge.builder("gateway.events.in.flight", inFlight, AtomicInteger::doubleValue)
                    .description("Client events with their domain's service now (sent, not yet answered), by domain")
                    .tags(tags));
            Metrics.globalRegistry().getOrCreate(Gauge.builder("gateway.events.waiting", waiting, AtomicInteger::doubleValue)
                    .description("Client events waiting for a slot now (GATEWAY_GRPC_MAX_IN_FLIGHT events of their domain"
                            + " are with its service), by domain")
                    .tags(tags));
            this.shedCount = Metrics.globalRegistry().getOrCreate(Counter.builder("gateway.events.shed")
                    .description("Client events answered UNAVAILABLE, unsent, because GATEWAY_GRPC_MAX_IN_FLIGHT events of"
                            + " their domain were with its service and the event got no slot: its wait"
                            + " (GATEWAY_GRPC_QUEUE_TIMEOUT_MS) ran out, GATEWAY_GRPC_QUEUE_LENGTH were waiting already,"
                            + " or none may wait, by domain")
                    .tags(tags));
        }

        /**
         * Takes a slot: at once when one is free and nobody waits; else, when the policy lets
         * events wait and its queue is not full, the first to come free within the queue
         * timeout, in arrival order. Release a slot taken with {@link #release()}.
         *
         * @return whether the event has a slot (always, when there is no bound)
         */
        boolean acquire() {
            if (slots == null) {
                return true;
            }
            if (!policy.waits()) {
                return slots.tryAcquire();
            }
            if (!slots.hasQueuedThreads() && slots.tryAcquire()) {
                return true; // the common case: no timed wait, no gauge update
            }
            if (slots.getQueueLength() >= policy.queueLength()) {
                return false; // an estimate (Semaphore's own word): the bound is approximate under races
            }
            waiting.incrementAndGet();
            try {
                return slots.tryAcquire(policy.queueTimeout().toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } finally {
                waiting.decrementAndGet();
            }
        }

        /** Gives back a slot {@link #acquire()} took. */
        void release() {
            if (slots != null) {
                slots.release();
            }
        }

        void shed() {
            shedCount.increment();
            unlogged.incrementAndGet();
            reportShedding();
        }

        /** Logs the sheds not yet logged, if any, when the last line is 10 s old; one volatile read otherwise. */
        void reportShedding() {
            if (unlogged.get() == 0) {
                return;
            }
            long now = System.nanoTime();
            long last = lastLoggedNanos.get();
            if (now - last >= SHED_LOG_INTERVAL_NANOS && lastLoggedNanos.compareAndSet(last, now)) {
                long since = unlogged.getAndSet(0);
                if (since > 0) {
                    LOG.log(Level.WARNING, domain.name().toLowerCase() + " service busy: " + since
                            + " event(s) shed since the last report (GATEWAY_GRPC_MAX_IN_FLIGHT reached, and no slot came"
                            + " free within GATEWAY_GRPC_QUEUE_TIMEOUT_MS or the GATEWAY_GRPC_QUEUE_LENGTH queue was full)");
                }
            }
        }
    }
}
