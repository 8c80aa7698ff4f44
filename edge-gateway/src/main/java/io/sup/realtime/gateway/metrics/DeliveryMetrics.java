package io.sup.realtime.gateway.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import io.sup.realtime.platform.bus.ServerEvent;
import io.sup.realtime.platform.observe.LatencyTimers;

/**
 * The delivery bus's meters on this gateway (docs/METRICS.md): {@code gateway.deliveries{event}}
 * (frames queued to client connections, one per recipient) and
 * {@code gateway.delivery.latency{event}} (from the frame's publication, {@code published_at_ms}
 * by the publisher's clock, to the end of its socket write here). Server event names that are
 * not known count as {@code unknown}. Built at each event's first frame and kept.
 */
public final class DeliveryMetrics {
    private static final Set<String> KNOWN = Arrays.stream(ServerEvent.values()).map(ServerEvent::wireName)
            .collect(Collectors.toUnmodifiableSet());

    private final MetersByName<Event> byName = new MetersByName<>(KNOWN::contains, Event::new);

    /** The meters of the server event {@code name}. */
    public Event of(String name) {
        return byName.of(name);
    }

    /**
     * One server event's meters.
     *
     * @param delivered counts frames queued to connections
     * @param latency   publication to socket write, recorded by the connection's writer
     */
    public record Event(Counter delivered, Timer latency) {
        private Event(String name) {
            this(Metrics.globalRegistry().getOrCreate(Counter.builder("gateway.deliveries")
                            .description("Frames from the delivery bus (the inbox, or a response) queued to client connections, by event name")
                            .tags(List.of(Tag.create("event", name)))),
                    LatencyTimers.timer("gateway.delivery.latency",
                            "Frames from their publication on the delivery bus to the end of their socket write, by event name",
                            List.of(Tag.create("event", name))));
        }
    }
}
