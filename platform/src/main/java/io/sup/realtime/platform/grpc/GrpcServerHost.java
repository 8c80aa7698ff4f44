package io.sup.realtime.platform.grpc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.sup.realtime.platform.grpc.multiplex.MultiplexService;

/**
 * A domain service's gRPC server: grpc-java's own Netty server (it honours client deadlines
 * and cancellation, which Helidon 4.2's gRPC routing does not), every service behind
 * {@link ErrorMappingInterceptor}, {@link TelemetryServerInterceptor} (request id, trace
 * span), {@link CallerInboxInterceptor} (deliveries for the calling gateway ride back in the
 * response) and {@link GrpcServerMetrics}, the standard {@code grpc.health.v1.Health} service, and
 * handlers on virtual threads so a blocking Redis call never starves the event loop, at most
 * {@value #MAX_CALLS_IN_FLIGHT} at once ({@link CallsInFlightLimit}: the rest wait before they
 * start, and those whose caller gave up meanwhile are skipped), and {@code sup.multiplex.v1.Multiplex}
 * ({@link MultiplexService}), which runs the unary calls its streams carry through the same
 * intercepted services. Plaintext or mutual TLS ({@link GrpcTls}).
 */
public final class GrpcServerHost implements AutoCloseable {
    private final Server server;
    private final HealthStatusManager health;
    private final MultiplexService multiplex;

    /** How long a client connection lives before the server asks the client to reconnect. */
    static final Duration MAX_CONNECTION_AGE = Duration.ofMinutes(5);
    /** How long calls in flight on a retired connection may still take. */
    static final Duration MAX_CONNECTION_AGE_GRACE = Duration.ofSeconds(30);
    /**
     * The most handlers running at once: the size of a service's Redis pool
     * ({@code RedisSettings}), since more handlers than connections would only wait for one.
     */
    static final int MAX_CALLS_IN_FLIGHT = 64;
    /** The shortest keepalive ping interval a client may use: below the callers' 30 s. */
    static final Duration KEEPALIVE_PERMITTED = Duration.ofSeconds(20);

    private GrpcServerHost(Server server, HealthStatusManager health, MultiplexService multiplex) {
        this.server = server;
        this.health = health;
        this.multiplex = multiplex;
    }

    /**
     * Starts a plaintext server on {@code port} (0 picks a free one) serving {@code services}.
     *
     * @throws UncheckedIOException when the port cannot be bound
     */
    public static GrpcServerHost start(int port, List<BindableService> services) {
        return start(port, services, GrpcTls.PLAINTEXT);
    }

    /**
     * Starts a server on {@code port} (0 picks a free one) serving {@code services}, with
     * {@code tls}'s transport security (with TLS on, every client must present a certificate
     * its CA signed).
     *
     * @throws UncheckedIOException when the port cannot be bound
     */
    public static GrpcServerHost start(int port, List<BindableService> services, GrpcTls tls) {
        return start(port, services, tls, MAX_CONNECTION_AGE, MAX_CALLS_IN_FLIGHT);
    }

    /**
     * As {@link #start(int, List, GrpcTls)}, with connections retired after {@code maxConnectionAge}
     * and at most {@code maxCallsInFlight} handlers running at once.
     */
    static GrpcServerHost start(int port, List<BindableService> services, GrpcTls tls, Duration maxConnectionAge,
                                int maxCallsInFlight) {
        HealthStatusManager health = new HealthStatusManager();
        ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
        NettyServerBuilder builder = NettyServerBuilder.forPort(port, tls.serverCredentials())
                .executor(handlers)
                // Callers resolve a headless Service once and keep their connections: retiring
                // each connection (GOAWAY; grpc-java adds +-10% jitter) makes them re-resolve, so
                // pods added by a scale-up get calls within minutes, not at the next failure.
                // Calls in flight get the grace to finish: every RPC here is unary and short,
                // and a Multiplex stream takes new calls for at most 20 s (MultiplexChannel).
                .maxConnectionAge(maxConnectionAge.toMillis(), TimeUnit.MILLISECONDS)
                .maxConnectionAgeGrace(MAX_CONNECTION_AGE_GRACE.toMillis(), TimeUnit.MILLISECONDS)
                // The gateway's Multiplex streams keep a connection busy, so its client pings
                // every 30 s (GrpcChannels); grpc-java's default (5 min) would answer the third
                // ping with GOAWAY ENHANCE_YOUR_CALM and cut the calls on the connection.
                .permitKeepAliveTime(KEEPALIVE_PERMITTED.toMillis(), TimeUnit.MILLISECONDS)
                .addService(health.getHealthService());
        ErrorMappingInterceptor errors = new ErrorMappingInterceptor();
        TelemetryServerInterceptor telemetry = new TelemetryServerInterceptor();
        GrpcServerMetrics metrics = new GrpcServerMetrics();
        CallsInFlightLimit limit = new CallsInFlightLimit(maxCallsInFlight); // one for all the services
        List<ServerServiceDefinition> served = new ArrayList<>();
        for (BindableService service : services) {
            // The last runs first: metrics see the status the error mapping gave, and the
            // call's span and log context cover the error mapping and the wait for a slot; the
            // caller's inbox covers the handler, and sees the close the error mapping makes.
            ServerServiceDefinition intercepted = ServerInterceptors.intercept(service, limit, errors,
                    CallerInboxInterceptor.server(), telemetry, metrics);
            builder.addService(intercepted);
            served.add(intercepted);
        }
        // The same definitions serve the calls a Multiplex stream carries (the gateway's).
        MultiplexService multiplex = new MultiplexService(served, handlers);
        builder.addService(multiplex).callExecutor(multiplex.callExecutor());
        try {
            Server server = builder.build().start();
            for (BindableService service : services) {
                health.setStatus(service.bindService().getServiceDescriptor().getName(), ServingStatus.SERVING);
            }
            health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
            return new GrpcServerHost(server, health, multiplex);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start gRPC server on port " + port, e);
        }
    }

    /** The bound port. */
    public int port() {
        return server.getPort();
    }

    /**
     * Reports NOT_SERVING, stops taking calls (a GOAWAY; then the Multiplex streams answer the
     * calls they carry that have not started {@code not_run}, for the caller to send them
     * elsewhere, and end once the others are answered), and waits up to 5 s for calls in flight.
     */
    @Override
    public void close() {
        health.enterTerminalState();
        server.shutdown(); // GOAWAY first: the calls the drain refuses are sent again on new streams, elsewhere
        multiplex.drain();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
