package io.sup.realtime.gateway.metrics;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import io.sup.realtime.gateway.protocol.ErrorCode;
import io.sup.realtime.gateway.routing.ClientEvents;
import io.sup.realtime.platform.observe.LatencyTimers;

/**
 * The client events' meters (docs/METRICS.md): {@code gateway.events{event}} (received),
 * {@code gateway.acks{event, outcome}} (how each was answered: {@code ok} or the error code),
 * {@code gateway.event.latency{event}} (from the decoded frame to its answer queued) and
 * {@code gateway.rate.limited{event}}. An event name that is not a client event counts as
 * {@code unknown}, so clients cannot grow the label set. Each event's meters are built at its
 * first use and kept: per event the hot path does one map lookup by the name it has.
 */
public final class EventMetrics {
    private final MeterRegistry registry = Metrics.globalRegistry();
    private final MetersByName<Event> byName = new MetersByName<>(ClientEvents::isKnown, Event::new);

    /** The meters of the client event {@code name}. */
    public Event of(String name) {
        return byName.of(name);
    }

    /** One client event's meters. */
    public final class Event {
        private final String name;
        private final Counter received;
        private final Counter ok;
        private final Timer latency;
        private final AtomicReferenceArray<Counter> failed = new AtomicReferenceArray<>(ErrorCode.values().length);
        private volatile Counter rateLimited;

        private Event(String name) {
            this.name = name;
            this.received = registry.getOrCreate(Counter.builder("gateway.events")
                    .description("Client events received from authenticated connections, by event name")
                    .tags(List.of(Tag.create("event", name))));
            this.ok = ack("ok");
            this.latency = LatencyTimers.timer("gateway.event.latency",
                    "Client events from the decoded frame to their answer queued on the connection, by event name",
                    List.of(Tag.create("event", name)));
        }

        /** The event arrived from an authenticated connection. */
        public void received() {
            received.increment();
        }

        /**
         * The event was answered, {@code code} null for success, after it was decoded at
         * {@code receivedNanos} ({@link System#nanoTime()}).
         */
        public void answered(ErrorCode code, long receivedNanos) {
            latency.record(System.nanoTime() - receivedNanos, TimeUnit.NANOSECONDS);
            if (code == null) {
                ok.increment();
                return;
            }
            Counter counter = failed.get(code.ordinal());
            if (counter == null) {
                counter = ack(code.name());
                failed.set(code.ordinal(), counter);
            }
            counter.increment();
            if (code == ErrorCode.RATE_LIMITED) {
                Counter limited = rateLimited;
                if (limited == null) {
                    limited = registry.getOrCreate(Counter.builder("gateway.rate.limited")
                            .description("Client events refused by a rate limit (acked or answered RATE_LIMITED), by event name")
                            .tags(List.of(Tag.create("event", name))));
                    rateLimited = limited;
                }
                limited.increment();
            }
        }

        private Counter ack(String outcome) {
            return registry.getOrCreate(Counter.builder("gateway.acks")
                    .description("Client events by how they were answered: ok, or the error code")
                    .tags(List.of(Tag.create("event", name), Tag.create("outcome", outcome))));
        }
    }
}
