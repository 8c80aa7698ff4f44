package io.sup.realtime.platform.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.helidon.health.HealthCheckResponse;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's rule for a gRPC dependency, against a real grpc-java server's standard health
 * service: DOWN before the first answer, UP at a SERVING answer, still UP after one and two
 * failed probes (one slow or refused answer must not flap readiness), DOWN at the third in a
 * row, UP again at the next success; a server that is gone fails as UNAVAILABLE. The
 * probes are started by the test (the schedule's interval is an hour) so each step is exact.
 */
class GrpcReadinessNeedsFailuresInARowTest {
    private static final String SERVICE = "sup.test.v1.Probed";

    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private HealthStatusManager health;
    private Server server;
    private ManagedChannel channel;
    private GrpcReadiness readiness;

    @BeforeEach
    void start() throws Exception {
        health = new HealthStatusManager();
        server = NettyServerBuilder.forPort(0).addService(health.getHealthService()).build().start();
        channel = GrpcChannels.forTarget("localhost:" + server.getPort());
    }

    @AfterEach
    void stop() {
        readiness.close();
        timers.shutdownNow();
        GrpcChannels.close(channel);
        server.shutdownNow();
    }

    @Test
    void downOnlyAfterFailuresInARowAndUpAtTheNextSuccess() {
        // Unknown to the server until set: NOT_FOUND, a failure.
        readiness = GrpcReadiness.start("grpc-test", "localhost:" + server.getPort(), channel, SERVICE,
                new GrpcReadiness.Policy(Duration.ofHours(1), Duration.ofSeconds(10), 3), timers);
        assertEquals(HealthCheckResponse.Status.DOWN, awaitFailures(1).status(), "no success yet");

        health.setStatus(SERVICE, ServingStatus.SERVING);
        probeUntil(0);
        assertEquals(HealthCheckResponse.Status.UP, readiness.call().status());

        health.setStatus(SERVICE, ServingStatus.NOT_SERVING);
        assertEquals(HealthCheckResponse.Status.UP, probeUntil(1).status(), "one failure");
        assertEquals(HealthCheckResponse.Status.UP, probeUntil(2).status(), "two failures");
        HealthCheckResponse down = probeUntil(3);
        assertEquals(HealthCheckResponse.Status.DOWN, down.status(), "three in a row");
        assertEquals("NOT_SERVING", down.details().get("last"));
        assertEquals("grpc-test", readiness.name());

        health.setStatus(SERVICE, ServingStatus.SERVING);
        assertEquals(HealthCheckResponse.Status.UP, probeUntil(0).status(), "the next success");

        server.shutdownNow();
        probeUntil(1);
        probeUntil(2);
        HealthCheckResponse gone = probeUntil(3);
        assertEquals(HealthCheckResponse.Status.DOWN, gone.status());
        assertEquals("UNAVAILABLE", gone.details().get("last"));
    }

    /** Starts one probe and waits for its result to show as {@code failures} in a row. */
    private HealthCheckResponse probeUntil(int failures) {
        readiness.probe();
        return awaitFailures(failures);
    }

    private HealthCheckResponse awaitFailures(int failures) {
        return Awaitility.await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(10))
                .until(readiness::call, r -> {
                    Map<String, Object> details = r.details();
                    return Integer.valueOf(failures).equals(details.get("failuresInRow"))
                            && !"not probed yet".equals(details.get("last"));
                });
    }
}
