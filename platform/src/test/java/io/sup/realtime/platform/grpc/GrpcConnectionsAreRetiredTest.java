package io.sup.realtime.platform.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import org.junit.jupiter.api.Test;

/**
 * A real server retires each client connection after its maximum age (GOAWAY), so a caller
 * of a headless Service re-resolves and reaches pods added since; calls go on across it.
 */
class GrpcConnectionsAreRetiredTest {

    @Test
    void aConnectionIsRetiredAfterItsAgeAndCallsGoOn() throws Exception {
        GrpcServerHost host = GrpcServerHost.start(0, List.of(), GrpcTls.PLAINTEXT, Duration.ofSeconds(1),
                GrpcServerHost.MAX_CALLS_IN_FLIGHT);
        ManagedChannel channel = GrpcChannels.forTarget("localhost:" + host.port());
        try {
            assertEquals(ServingStatus.SERVING, check(channel));
            assertEquals(ConnectivityState.READY, channel.getState(false));
            CountDownLatch left = new CountDownLatch(1);
            channel.notifyWhenStateChanged(ConnectivityState.READY, left::countDown);
            // Without a maximum age the connection would stay READY (keepalive every 30 s).
            assertTrue(left.await(20, TimeUnit.SECONDS), "the server never retired the connection");
            assertEquals(ServingStatus.SERVING, check(channel));
        } finally {
            GrpcChannels.close(channel);
            host.close();
        }
    }

    private static ServingStatus check(ManagedChannel channel) {
        return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance()).getStatus();
    }
}
