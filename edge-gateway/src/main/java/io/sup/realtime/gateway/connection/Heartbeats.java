package io.sup.realtime.gateway.connection;

import java.time.Duration;

import io.sup.realtime.gateway.protocol.WireCodec;

/**
 * Keeps connections honest, swept often by one timer for all of them: pings each
 * connection every heartbeat interval of its protocol (a WebSocket ping, or the protocol's
 * own ping such as Engine.IO's), closes one from which nothing at all arrived for interval +
 * timeout ({@link CloseCode#HEARTBEAT_TIMEOUT}: the peer is gone, e.g. its network dropped
 * without a close frame), and closes an authenticated one that sent no event for
 * {@code maxIdle} ({@link CloseCode#IDLE_TIMEOUT}, the original's {@code MAX_IDLE_TIME}).
 * Closing releases the connection's routes at once.
 */
public final class Heartbeats {
    private final LocalConnections connections;
    private final long maxIdleMs;

    /**
     * @param connections this instance's connections
     * @param maxIdle     longest time without a client event ({@code MAX_IDLE_TIME})
     */
    public Heartbeats(LocalConnections connections, Duration maxIdle) {
        this.connections = connections;
        this.maxIdleMs = maxIdle.toMillis();
    }

    /** One sweep over all connections. */
    public void sweep() {
        long now = ClientConnection.now();
        for (ClientConnection connection : connections.all()) {
            if (connection.out().isClosing()) {
                continue;
            }
            WireCodec.Heartbeat heartbeat = connection.codec().heartbeat();
            long intervalMs = heartbeat.interval().toMillis();
            if (now - connection.lastInboundAt() > intervalMs + heartbeat.timeout().toMillis()) {
                connection.out().close(CloseCode.HEARTBEAT_TIMEOUT, CloseCode.HEARTBEAT_TIMEOUT.reason());
            } else if (connection.isAuthenticated() && now - connection.lastEventAt() > maxIdleMs) {
                connection.close(CloseCode.IDLE_TIMEOUT, CloseCode.IDLE_TIMEOUT.reason());
            } else if (now - connection.lastPingAt() >= intervalMs) {
                connection.ping();
            }
        }
    }
}
