package io.sup.realtime.gateway.connection;

import java.time.Duration;

/**
 * Keeps connections honest, swept every second by one timer for all of them: pings every
 * connection each {@code interval} (WebSocket ping, or the protocol's own ping), closes one
 * from which nothing at all arrived for {@code interval + timeout} ({@link CloseCode#HEARTBEAT_TIMEOUT}:
 * the peer is gone, e.g. its network dropped without a close frame), and closes an
 * authenticated one that sent no event for {@code maxIdle} ({@link CloseCode#IDLE_TIMEOUT},
 * the original's {@code MAX_IDLE_TIME}). Closing releases the connection's routes at once.
 */
public final class Heartbeats {
    private final LocalConnections connections;
    private final long intervalMs;
    private final long deadAfterMs;
    private final long maxIdleMs;

    /**
     * @param connections this instance's connections
     * @param interval    time between pings ({@code HEARTBEAT_INTERVAL})
     * @param timeout     extra time a peer has to answer ({@code HEARTBEAT_TIMEOUT})
     * @param maxIdle     longest time without a client event ({@code MAX_IDLE_TIME})
     */
    public Heartbeats(LocalConnections connections, Duration interval, Duration timeout, Duration maxIdle) {
        this.connections = connections;
        this.intervalMs = interval.toMillis();
        this.deadAfterMs = interval.plus(timeout).toMillis();
        this.maxIdleMs = maxIdle.toMillis();
    }

    /** One sweep over all connections. */
    public void sweep() {
        long now = ClientConnection.now();
        for (ClientConnection connection : connections.all()) {
            if (connection.out().isClosing()) {
                continue;
            }
            if (now - connection.lastInboundAt() > deadAfterMs) {
                connection.out().close(CloseCode.HEARTBEAT_TIMEOUT, CloseCode.HEARTBEAT_TIMEOUT.reason());
            } else if (connection.isAuthenticated() && now - connection.lastEventAt() > maxIdleMs) {
                connection.out().close(CloseCode.IDLE_TIMEOUT, CloseCode.IDLE_TIMEOUT.reason());
            } else if (now - connection.lastPingAt() >= intervalMs) {
                connection.ping();
            }
        }
    }
}
