package io.sup.realtime.gateway.connection;

import java.time.Duration;

/**
 * How much a connection's writer holds and how long a closing connection may take.
 *
 * @param limit      most frames waiting before the client counts as a slow consumer and is
 *                   closed with {@link CloseCode#SLOW_CONSUMER} ({@code GATEWAY_OUTBOUND_LIMIT}, default 1024)
 * @param closeGrace how long a connection the gateway closes may take to let its close frame
 *                   through before the TCP connection is cut ({@code GATEWAY_CLOSE_GRACE_MS}, default 2 s)
 */
public record OutboundPolicy(int limit, Duration closeGrace) {
    /** Checks the bounds. */
    public OutboundPolicy {
        if (limit < 1) {
            throw new IllegalArgumentException("outbound limit must be at least 1, got " + limit);
        }
        if (closeGrace.isNegative() || closeGrace.isZero()) {
            throw new IllegalArgumentException("close grace must be positive, got " + closeGrace);
        }
    }
}
