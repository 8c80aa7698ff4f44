package io.sup.realtime.gateway.routing;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.StatusRuntimeException;
import io.helidon.common.concurrency.limits.FixedLimit;
import io.helidon.common.concurrency.limits.LimitAlgorithm;
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
 * Helidon's {@link FixedLimit} holds the count and the queue (a fair semaphore: a free slot is a
 * {@code tryAcquire} with no lock and no wait, a full bound a timed wait).
 */
public final class EventRouter {
    private static final Logger LOG = System.getLogger(EventRouter.class.getName());

    private static final long SHED_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Map<String, Route> routes;
    private final Map<ClientEvents.Domain, DomainLimit> limits = new EnumMap<>(ClientEvents.Domain.class);
    private final ShedPolicy shed;

    /**
     * @param tables the domains' route tables
     * @param shed   how many events of one domain may be with its service at once
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
        Optional<LimitAlgorithm.Token> slot = Optional.empty();
        if (!ClientEvents.NEVER_SHED.contains(event.name())) {
            slot = limit.acquire(shed.waits());
            if (slot.isEmpty()) {
                limit.shed();
                return new Outcome.Failed(ErrorCode.UNAVAILABLE, "service busy, retry later", jitteredRetryAfterMs());
            }
        }
        limit.reportShedding();
        limit.inFlight.incrementAndGet();
        try {
            return call(route, connection, event);
        } finally {
            limit.inFlight.decrementAndGet();
            slot.ifPresent(LimitAlgorithm.Token::success); // a fixed limit only frees the slot
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
        private static final Map<ClientEvents.Domain, AtomicInteger> IN_FLIGHT = Arrays.stream(ClientEvents.Domain.values())
                .collect(Collectors.toUnmodifiableMap(d -> d, d -> new AtomicInteger()));

        private static final Map<ClientEvents.Domain, AtomicInteger> WAITING = Arrays.stream(ClientEvents.Domain.values())
                .collect(Collectors.toUnmodifiableMap(d -> d, d -> new AtomicInteger()));

        private final ClientEvents.Domain domain;
        private final AtomicInteger inFlight;
        private final AtomicInteger waiting;
        private final LimitAlgorithm algorithm;
        private final Counter shedCount;
        private final AtomicLong unlogged = new AtomicLong();
        private final AtomicLong lastLoggedNanos = new AtomicLong(System.nanoTime() - SHED_LOG_INTERVAL_NANOS);

        DomainLimit(ClientEvents.Domain domain, ShedPolicy policy) {
            this.domain = domain;
            this.inFlight = IN_FLIGHT.get(domain);
            this.waiting = WAITING.get(domain);
            List<Tag> tags = List.of(Tag.create("domain", domain.name().toLowerCase()));
            Metrics.globalRegistry().getOrCreate(Gauge.builder("gateway.events.in.flight", inFlight, AtomicInteger::doubleValue)
                    .description("Client events with their domain's service now (sent, not yet answered), by domain")
                    .tags(tags));
            Metrics.globalRegistry().getOrCreate(Gauge.builder("gateway.events.waiting", waiting, AtomicInteger::doubleValue)
                    .description("Client events waiting for a slot now (GATEWAY_GRPC_MAX_IN_FLIGHT events of their domain"
                            + " are with its service), by domain")
                    .tags(tags));
            // 0 permits: FixedLimit does not limit at all. Fair: the longest waiting event gets the next free slot.
            this.algorithm = FixedLimit.builder().name("gateway-" + domain.name().toLowerCase())
                    .permits(policy.maxInFlight()).queueLength(policy.queueLength()).queueTimeout(policy.queueTimeout())
                    .fair(true).build();
            this.shedCount = Metrics.globalRegistry().getOrCreate(Counter.builder("gateway.events.shed")
                    .description("Client events answered UNAVAILABLE, unsent, because GATEWAY_GRPC_MAX_IN_FLIGHT events of"
                            + " their domain were with its service and no slot came free within GATEWAY_GRPC_QUEUE_TIMEOUT_MS"
                            + " (or GATEWAY_GRPC_QUEUE_LENGTH were waiting already), by domain")
                    .tags(tags));
        }

        /**
         * A slot: at once when one is free; else, when {@code wait}, the first to come free within the
         * queue timeout, unless the queue is full. Empty when there is none.
         */
        Optional<LimitAlgorithm.Token> acquire(boolean wait) {
            Optional<LimitAlgorithm.Token> slot = algorithm.tryAcquire(false);
            if (slot.isPresent() || !wait) {
                return slot;
            }
            waiting.incrementAndGet();
            try {
                return algorithm.tryAcquire(true);
            } finally {
                waiting.decrementAndGet();
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
                            + " event(s) shed since the last report (GATEWAY_GRPC_MAX_IN_FLIGHT reached, no slot free within"
                            + " GATEWAY_GRPC_QUEUE_TIMEOUT_MS)");
                }
            }
        }
    }
}
