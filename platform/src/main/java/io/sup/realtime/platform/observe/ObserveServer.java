package io.sup.realtime.platform.observe;

import java.util.List;

import io.helidon.health.HealthCheck;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.ObserveFeatureConfig;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.health.HealthObserverConfig;
import io.helidon.webserver.observe.metrics.MetricsObserver;

/**
 * A service's health and metrics, on a port of their own (Helidon observe):
 * {@code /health} (all checks), {@code /health/live} (Helidon's built-in deadlock, heap and
 * disk checks, and the service's own liveness checks), {@code /health/ready} (the service's
 * own readiness checks, e.g. Redis answers) — JSON,
 * 200 when UP and 503 when DOWN, a DOWN answer naming the failing check — the original's
 * {@code /ready} (the same answer as {@code /health/ready}, for existing probes and scripts),
 * and {@code /metrics} (Prometheus text, or JSON with {@code Accept: application/json}).
 * The catalogue of checks and meters is docs/METRICS.md.
 */
public final class ObserveServer implements AutoCloseable {
    private final WebServer server;

    private ObserveServer(WebServer server) {
        this.server = server;
    }

    /**
     * Starts serving on {@code port} (0 picks a free one).
     *
     * @param checks  readiness and liveness checks
     * @param metrics whether to serve {@code /metrics} ({@code METRICS_ENABLED})
     */
    public static ObserveServer start(int port, List<HealthCheck> checks, boolean metrics) {
        HealthObserverConfig.Builder health = HealthObserver.builder().details(true).useSystemServices(true);
        checks.forEach(health::addCheck);
        ObserveFeatureConfig.Builder feature = ObserveFeature.builder().endpoint("/").addObserver(health.build());
        if (metrics) {
            feature.addObserver(MetricsObserver.create());
        }
        WebServer server = WebServer.builder()
                .port(port)
                // The service's own shutdown hook stops this last (ServiceHost.runMain), so
                // health answers while the service drains; Helidon's hook would stop it first.
                .shutdownHook(false)
                .addFeature(feature.build())
                // The original's readiness path: answered by the health observer itself.
                .routing(http -> http.get("/ready", (req, res) -> res.reroute("/health/ready")))
                .build()
                .start();
        if (!server.isRunning()) {
            throw new IllegalStateException("cannot serve health and metrics on port " + port + " (in use?)");
        }
        return new ObserveServer(server);
    }

    /** The bound port. */
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
    }
}
