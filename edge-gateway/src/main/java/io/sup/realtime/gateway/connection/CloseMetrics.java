package io.sup.realtime.gateway.connection;

import java.util.EnumMap;
import java.util.List;
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
 * peer closed are not counted here. Meters are looked up once, not per close.
 */
public final class CloseMetrics {
    private final Map<CloseCode, Counter> closed = new EnumMap<>(CloseCode.class);
    private final Counter cut;

    /** @param registry where the meters live */
    public CloseMetrics(MeterRegistry registry) {
        for (CloseCode code : CloseCode.values()) {
            closed.put(code, registry.getOrCreate(Counter.builder("gateway.connections.closed")
                    .description("Client connections the gateway closed, by the WebSocket close code it sent")
                    .tags(List.of(Tag.create("code", String.valueOf(code.code()))))));
        }
        cut = registry.getOrCreate(Counter.builder("gateway.connections.cut")
                .description("Closing client connections cut because the close frame did not get through in time"));
    }

    /** The gateway started closing a connection with {@code code}. */
    void closed(CloseCode code) {
        closed.get(code).increment();
    }

    /** A closing connection was cut at the end of its grace period. */
    void cut() {
        cut.increment();
    }
}
