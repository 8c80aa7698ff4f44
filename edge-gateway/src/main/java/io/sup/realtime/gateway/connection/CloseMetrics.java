package io.sup.realtime.gateway.connection;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;

/**
 * Why connections end, for dashboards and alerts: {@code gateway.connections.closed} counts
 * the connections the gateway closed, tagged with the close code it sent ({@code code="4008"}
 * for slow consumers, {@code "4001"} for heartbeat timeouts, {@code "1001"} for a drain, ...);
 * {@code gateway.connections.cut} counts closing connections whose peer did not let the close
 * frame through within the grace period, so their TCP connection was cut. Connections the
 * peer closed are not counted there. {@code gateway.disconnects{reason}} counts every
 * connection once when it ends: by the name of the gateway's close code
 * ({@code slow_consumer}, {@code going_away}, ...) or {@code peer} (the client closed, or the
 * socket failed). Meters are looked up once, not per close.
 */
public final class CloseMetrics {
    private final Map<CloseCode, Counter> closed = new EnumMap<>(CloseCode.class);
    private final Map<CloseCode, Counter> disconnects = new EnumMap<>(CloseCode.class);
    private final Counter byPeer;
    private final Counter cut;

    /** @param registry where the meters live */
    public CloseMetrics(MeterRegistry registry) {
        for (CloseCode code : CloseCode.values()) {
            closed.put(code, registry.getOrCreate(Counter.builder("gateway.connections.closed")
                    .description("Client connections the gateway closed, by the WebSocket close code it sent")
                    .tags(List.of(Tag.create("code", String.valueOf(code.code()))))));
        }
        for (CloseCode code : CloseCode.values()) {
            disconnects.put(code, disconnects(registry, code.name().toLowerCase(Locale.ROOT)));
        }
        byPeer = disconnects(registry, "peer");
        cut = registry.getOrCreate(Counter.builder("gateway.connections.cut")
                .description("Closing client connections cut because the close frame did not get through in time"));
    }

    /** The gateway started closing a connection with {@code code}. */
    void closed(CloseCode code) {
        closed.get(code).increment();
        disconnects.get(code).increment();
    }

    /** The peer closed a connection, or its socket failed, before the gateway closed it. */
    void peerClosed() {
        byPeer.increment();
    }

    private static Counter disconnects(MeterRegistry registry, String reason) {
        return registry.getOrCreate(Counter.builder("gateway.disconnects")
                .description("Client connections that ended, once each: by the gateway's close code name, or peer")
                .tags(List.of(Tag.create("reason", reason))));
    }

    /** A closing connection was cut at the end of its grace period. */
    void cut() {
        cut.increment();
    }
}
