package io.sup.realtime.gateway.health;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.function.IntSupplier;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;

/**
 * Liveness: the WebSocket port still accepts TCP connections. Helidon 4.2 stops a listener
 * for good when its accept loop fails (for example with "Too many open files") while the
 * process and {@code WebServer.isRunning()} carry on; an orchestrator must then restart the
 * gateway, so {@code /health/live} reports DOWN.
 *
 * <p>A connection that waits in the kernel's accept backlog (the gateway at its connection
 * cap) still counts as live: the gateway is full, not broken.
 */
public final class ListenerLiveness implements HealthCheck {
    private static final int TIMEOUT_MS = 1_000;

    private final IntSupplier port;

    /** @param port the WebSocket port, read at each check */
    public ListenerLiveness(IntSupplier port) {
        this.port = port;
    }

    @Override
    public HealthCheckType type() {
        return HealthCheckType.LIVENESS;
    }

    @Override
    public String name() {
        return "websocket-listener";
    }

    @Override
    public HealthCheckResponse call() {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress("127.0.0.1", port.getAsInt()), TIMEOUT_MS);
            return HealthCheckResponse.builder().status(true).build();
        } catch (IOException e) {
            return HealthCheckResponse.builder().status(false)
                    .detail("error", "WebSocket port refuses connections: " + e.getClass().getSimpleName()).build();
        }
    }
}
