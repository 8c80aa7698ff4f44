package io.sup.realtime.platform.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import io.sup.realtime.platform.redis.RedisSettings;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.gateway.v1.Caller;
import io.sup.realtime.proto.gateway.v1.ConnectionBatch;
import io.sup.realtime.proto.gateway.v1.ConnectionEvent;
import io.sup.realtime.proto.gateway.v1.ConnectionEventAck;
import io.sup.realtime.proto.gateway.v1.ConnectionLifecycleServiceGrpc;
import io.sup.realtime.proto.gateway.v1.ConnectionLifecycleServiceGrpc.ConnectionLifecycleServiceBlockingStub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * A real grpc-java server started by {@link GrpcServerHost} and called through a real channel:
 * what a service throws reaches the caller as the documented status and message, a lost Redis
 * as UNAVAILABLE, and anything else as a bare INTERNAL with nothing of the failure leaking;
 * the standard health service reports the hosted service as SERVING.
 */
class GrpcServerHostMapsFailuresToStatusesTest {
    private static final String SECRET = "secret-detail-42";

    private static GrpcServerHost host;
    private static ManagedChannel channel;
    private static ConnectionLifecycleServiceBlockingStub stub;

    /** Fails as the caller's user id asks; {@code ok} succeeds. */
    static final class FailingOnRequest extends ConnectionLifecycleServiceGrpc.ConnectionLifecycleServiceImplBase {
        @Override
        public void connectionOpened(ConnectionEvent request, StreamObserver<ConnectionEventAck> reply) {
            String what = request.getConnection().getUserId();
            switch (what) {
                case "ok" -> {
                }
                case "runtime" -> throw new IllegalStateException(SECRET);
                // What Jedis throws while Redis replays its AOF after a restart.
                case "ratelimited" -> throw ServiceException.rateLimited("slow down", 1500);
                case "loading" -> throw new JedisDataException("LOADING Redis is loading the dataset in memory");
                case "wrongtype" -> throw new JedisDataException("WRONGTYPE Operation against a key holding the wrong kind of value");
                case "redis" -> {
                    // A real lost Redis: nothing listens on this port.
                    URI nowhere = URI.create("redis://127.0.0.1:" + RedisServerExtension.freePort());
                    try (UnifiedJedis redis = new RedisSettings(nowhere, Duration.ofMillis(500)).newClient()) {
                        redis.ping();
                    }
                }
                default -> throw kindNamed(what);
            }
            reply.onNext(ConnectionEventAck.getDefaultInstance());
            reply.onCompleted();
        }

        @Override
        public void connectionsAlive(ConnectionBatch request, StreamObserver<ConnectionEventAck> reply) {
            throw ServiceException.permissionDenied("x");
        }
    }

    private static ServiceException kindNamed(String kind) {
        String message = "because " + kind;
        return switch (ServiceException.Kind.valueOf(kind)) {
            case INVALID_ARGUMENT -> ServiceException.invalidArgument(message);
            case PERMISSION_DENIED -> ServiceException.permissionDenied(message);
            case NOT_FOUND -> ServiceException.notFound(message);
            case ALREADY_EXISTS -> ServiceException.alreadyExists(message);
            case FAILED_PRECONDITION -> ServiceException.failedPrecondition(message);
            case RESOURCE_EXHAUSTED -> ServiceException.resourceExhausted(message);
            case UNAVAILABLE -> ServiceException.unavailable(message);
        };
    }

    @BeforeAll
    static void startServer() {
        host = GrpcServerHost.start(0, List.of(new FailingOnRequest()));
        channel = GrpcChannels.forTarget("127.0.0.1:" + host.port());
        stub = ConnectionLifecycleServiceGrpc.newBlockingStub(channel);
    }

    @AfterAll
    static void stopServer() {
        if (channel != null) {
            GrpcChannels.close(channel);
        }
        if (host != null) {
            host.close();
        }
    }

    private static ConnectionLifecycleServiceBlockingStub withDeadline() {
        return stub.withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private static StatusRuntimeException callFailing(String userId) {
        return assertThrows(StatusRuntimeException.class, () -> withDeadline().connectionOpened(
                ConnectionEvent.newBuilder().setConnection(Caller.newBuilder().setUserId(userId)).build()));
    }

    @Test
    void aSuccessfulCallPassesThroughTheInterceptor() {
        assertNotNull(withDeadline().connectionOpened(
                ConnectionEvent.newBuilder().setConnection(Caller.newBuilder().setUserId("ok")).build()));
    }

    @Test
    void permissionDeniedReachesTheCallerWithItsMessage() {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> withDeadline().connectionsAlive(ConnectionBatch.getDefaultInstance()));

        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
        assertEquals("x", e.getStatus().getDescription());
    }

    @ParameterizedTest
    @EnumSource(ServiceException.Kind.class)
    void everyServiceExceptionKindBecomesTheStatusOfTheSameName(ServiceException.Kind kind) {
        StatusRuntimeException e = callFailing(kind.name());

        assertEquals(kind.name(), e.getStatus().getCode().name());
        assertEquals("because " + kind.name(), e.getStatus().getDescription());
    }

    @Test
    void aLostRedisConnectionBecomesUnavailable() {
        StatusRuntimeException e = callFailing("redis");

        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        assertEquals("storage unavailable, retry later", e.getStatus().getDescription());
    }

    @Test
    void aRateLimitCarriesItsRetryDelayInATrailer() {
        StatusRuntimeException e = callFailing("ratelimited");

        assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
        assertEquals("slow down", e.getStatus().getDescription());
        assertEquals("1500", e.getTrailers().get(ServiceException.RETRY_AFTER_MS));
    }

    @Test
    void aRedisStillLoadingItsDataBecomesUnavailableButOtherRedisErrorsStayInternal() {
        StatusRuntimeException loading = callFailing("loading");
        assertEquals(Status.Code.UNAVAILABLE, loading.getStatus().getCode());
        assertEquals("storage unavailable, retry later", loading.getStatus().getDescription());

        assertEquals(Status.Code.INTERNAL, callFailing("wrongtype").getStatus().getCode());
    }

    @Test
    void anyOtherFailureBecomesABareInternalError() {
        StatusRuntimeException e = callFailing("runtime");

        assertEquals(Status.Code.INTERNAL, e.getStatus().getCode());
        assertEquals("internal error", e.getStatus().getDescription());
        Metadata trailers = e.getTrailers();
        assertNotNull(trailers);
        for (String key : trailers.keys()) {
            if (!key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                String value = String.valueOf(trailers.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER)));
                assertFalse(value.contains(SECRET) || value.contains("IllegalStateException"),
                        () -> "trailer " + key + " leaks the failure: " + value);
            }
        }
    }

    @Test
    void theHealthServiceReportsTheHostedServiceAndTheServerAsServing() {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);

        // By the fully qualified proto name clients and probes (grpc_health_probe -service=...) use.
        assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.newBuilder()
                .setService("sup.gateway.v1.ConnectionLifecycleService").build()).getStatus());
        assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.getDefaultInstance()).getStatus());
        StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> health.check(
                HealthCheckRequest.newBuilder().setService("sup.nothing.v1.Nothing").build()));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
    }
}
