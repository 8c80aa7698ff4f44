package io.sup.realtime.gateway.metrics;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.sup.realtime.gateway.auth.AuthenticationException;
import io.sup.realtime.gateway.connection.ClientConnection;
import io.sup.realtime.gateway.connection.LocalConnections;

/**
 * The connections' meters (docs/METRICS.md): {@code gateway.connections.active} and
 * {@code .peak} (gauges), {@code gateway.connections{protocol}} (opened),
 * {@code gateway.connects{outcome}} (how authentications ended),
 * {@code gateway.auth.failures{reason}}, and the outbound queues' {@code gateway.outbound.queue.bytes}
 * and {@code .frames}, summed over the open connections when scraped (nothing on the write path).
 * Every counter is built here once.
 *
 * <p>The gauges are the process's: they sum over every gateway in the JVM (one in a deployment;
 * several in the end-to-end tests, which share one registry, as docs/METRICS.md says). A
 * gauge bound to one instance's objects would go on reading the first gateway that registered
 * it, and nothing once that one is gone.
 */
public final class ConnectionMetrics {
    /** How an authentication attempt ended. */
    public enum Connect {
        /** Authenticated and admitted. */
        OK,
        /** The token was refused (the reason is in {@code gateway.auth.failures}). */
        UNAUTHENTICATED,
        /** No authentication within the deadline (4408). */
        AUTH_TIMEOUT,
        /** A connection limit or a revoked token ({@code gateway.connections.refused} has the reason). */
        REFUSED,
        /** The routing registry (Redis) failed: closed with 1013. */
        UNAVAILABLE
    }

    /** The gateways of this process (weakly: a stopped one's objects may go). */
    private static final Set<ConnectionMetrics> LIVE = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private static final AtomicInteger PEAK = new AtomicInteger();

    private final Map<Connect, Counter> connects = new EnumMap<>(Connect.class);
    private final Map<AuthenticationException.Reason, Counter> authFailures = new EnumMap<>(AuthenticationException.Reason.class);
    private final Counter authTimeouts;
    private final Counter nativeOpened;
    private final Counter socketIoOpened;
    private final LocalConnections connections;

    /** @param connections this instance's connections, read by the gauges */
    public ConnectionMetrics(LocalConnections connections) {
        this.connections = connections;
        LIVE.add(this);
        MeterRegistry registry = Metrics.globalRegistry();
        registry.getOrCreate(Gauge.builder("gateway.connections.active", LIVE, ConnectionMetrics::active)
                .description("Open client connections on this instance"));
        registry.getOrCreate(Gauge.builder("gateway.connections.peak", PEAK, p -> (double) p.get())
                .description("The most client connections open at once on this instance since it started"));
        registry.getOrCreate(Gauge.builder("gateway.outbound.queue.bytes", LIVE, live -> queued(live, true))
                .description("Text queued to client connections and not yet written, in UTF-16 characters (bytes for ASCII)"));
        registry.getOrCreate(Gauge.builder("gateway.outbound.queue.frames", LIVE, live -> queued(live, false))
                .description("Frames queued to client connections and not yet written"));
        nativeOpened = opened(registry, "native");
        socketIoOpened = opened(registry, "socketio");
        for (Connect outcome : Connect.values()) {
            connects.put(outcome, registry.getOrCreate(Counter.builder("gateway.connects")
                    .description("Authentication attempts of client connections, by how they ended")
                    .tags(List.of(Tag.create("outcome", outcome.name().toLowerCase(Locale.ROOT))))));
        }
        for (AuthenticationException.Reason reason : AuthenticationException.Reason.values()) {
            authFailures.put(reason, authFailure(registry, reason.label()));
        }
        authTimeouts = authFailure(registry, "auth_timeout");
    }

    /** A WebSocket connection was opened; {@code socketIo} for the Socket.IO endpoint. */
    public void opened(boolean socketIo) {
        (socketIo ? socketIoOpened : nativeOpened).increment();
        PEAK.accumulateAndGet((int) active(LIVE), Math::max);
    }

    /** An authentication attempt ended with {@code outcome}. */
    public void connect(Connect outcome) {
        connects.get(outcome).increment();
    }

    /** A token was refused for {@code reason}. */
    public void authFailed(AuthenticationException.Reason reason) {
        authFailures.get(reason).increment();
        connect(Connect.UNAUTHENTICATED);
    }

    /** A connection did not authenticate within the deadline. */
    public void authTimedOut() {
        authTimeouts.increment();
        connect(Connect.AUTH_TIMEOUT);
    }

    private static double active(Set<ConnectionMetrics> live) {
        synchronized (live) {
            return live.stream().mapToLong(m -> m.connections.size()).sum();
        }
    }

    private static double queued(Set<ConnectionMetrics> live, boolean chars) {
        long sum = 0;
        synchronized (live) {
            for (ConnectionMetrics metrics : live) {
                for (ClientConnection connection : metrics.connections.all()) {
                    sum += chars ? connection.out().queuedChars() : connection.out().queuedFrames();
                }
            }
        }
        return sum;
    }

    private static Counter opened(MeterRegistry registry, String protocol) {
        return registry.getOrCreate(Counter.builder("gateway.connections")
                .description("Client WebSocket connections opened, by protocol")
                .tags(List.of(Tag.create("protocol", protocol))));
    }

    private static Counter authFailure(MeterRegistry registry, String reason) {
        return registry.getOrCreate(Counter.builder("gateway.auth.failures")
                .description("Connections refused for a missing or invalid token, or no authentication in time, by reason")
                .tags(List.of(Tag.create("reason", reason))));
    }
}
