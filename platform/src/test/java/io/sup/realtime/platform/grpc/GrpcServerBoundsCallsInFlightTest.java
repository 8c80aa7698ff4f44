package io.sup.realtime.platform.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.sup.realtime.proto.gateway.v1.Caller;
import io.sup.realtime.proto.gateway.v1.ConnectionEvent;
import io.sup.realtime.proto.gateway.v1.ConnectionEventAck;
import io.sup.realtime.proto.gateway.v1.ConnectionLifecycleServiceGrpc;
import org.junit.jupiter.api.Test;

/**
 * A real grpc-java server started by {@link GrpcServerHost} with room for few handlers at
 * once, called through a real channel by more callers than that: no more handlers run at once
 * than the limit, the calls that expire while they wait for a slot never reach their handler,
 * the ones holding the slots finish, and once the slots are free calls are served as before.
 */
class GrpcServerBoundsCallsInFlightTest {
    private static final int LIMIT = 3;

    /** Blocks every call until {@link #release} opens, counting how many run at once and in all. */
    static final class Blocking extends ConnectionLifecycleServiceGrpc.ConnectionLifecycleServiceImplBase {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        final AtomicInteger started = new AtomicInteger();

        @Override
        public void connectionOpened(ConnectionEvent request, StreamObserver<ConnectionEventAck> reply) {
            started.incrementAndGet();
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                running.decrementAndGet();
            }
            reply.onNext(ConnectionEventAck.getDefaultInstance());
            reply.onCompleted();
        }
    }

    @Test
    void callsBeyondTheLimitWaitAndThoseThatExpireWaitingAreNeverHandled() throws Exception {
        Blocking service = new Blocking();
        GrpcServerHost host = GrpcServerHost.start(0, List.of(service), GrpcTls.PLAINTEXT,
                GrpcServerHost.MAX_CONNECTION_AGE, LIMIT);
        ManagedChannel channel = GrpcChannels.forTarget("localhost:" + host.port());
        try {
            // Connected first, so that no deadline below covers the connection's set-up.
            HealthGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance());
            var stub = ConnectionLifecycleServiceGrpc.newFutureStub(channel);
            List<ListenableFuture<ConnectionEventAck>> running = new ArrayList<>();
            for (int i = 0; i < LIMIT; i++) {
                running.add(stub.connectionOpened(event("u" + i))); // no deadline: they hold the slots
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> service.started.get() == LIMIT);
            double givenUpBefore = cancelledOnTheServer();
            List<ListenableFuture<ConnectionEventAck>> waiting = new ArrayList<>();
            for (int i = 0; i < 2 * LIMIT; i++) {
                waiting.add(stub.withDeadlineAfter(1, TimeUnit.SECONDS).connectionOpened(event("w" + i)));
            }
            for (ListenableFuture<ConnectionEventAck> call : waiting) {
                assertEquals(Status.Code.DEADLINE_EXCEEDED, statusOf(call), "a call that found no free slot");
            }
            assertEquals(LIMIT, service.started.get(), "handlers started while every slot was held");
            // The server's deadlines run a little behind the client's (the requests' transit; on a
            // busy machine more): free the slots only once the server has given up every waiting
            // call (counted as CANCELLED when its wait ends), or one could still take a slot.
            await().atMost(Duration.ofSeconds(30)).until(() -> cancelledOnTheServer() - givenUpBefore >= 2 * LIMIT);

            service.release.countDown();
            for (ListenableFuture<ConnectionEventAck> call : running) {
                assertEquals(Status.Code.OK, statusOf(call), "a call that held a slot");
            }
            ConnectionEventAck fresh = ConnectionLifecycleServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(30, TimeUnit.SECONDS).connectionOpened(event("later"));
            assertEquals(ConnectionEventAck.getDefaultInstance(), fresh);
            assertEquals(LIMIT, service.mostAtOnce.get(), "handlers running at once");
            assertEquals(LIMIT + 1, service.started.get(),
                    "the calls that expired while waiting for a slot must not have been handled");
        } finally {
            GrpcChannels.close(channel);
            host.close();
        }
    }

    private static ConnectionEvent event(String userId) {
        return ConnectionEvent.newBuilder().setConnection(Caller.newBuilder().setUserId(userId)).build();
    }

    private static Status.Code statusOf(ListenableFuture<ConnectionEventAck> call) throws InterruptedException {
        try {
            call.get(20, TimeUnit.SECONDS);
            return Status.Code.OK;
        } catch (ExecutionException e) {
            assertTrue(e.getCause() instanceof StatusRuntimeException, e.getCause().toString());
            return ((StatusRuntimeException) e.getCause()).getStatus().getCode();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("a call never ended", e);
        }
    }

    /** The server's {@code grpc.server.handled} count of ConnectionOpened calls that ended CANCELLED. */
    private static double cancelledOnTheServer() {
        return Metrics.globalRegistry().counter("grpc.server.handled", List.of(
                        Tag.create("grpc_service", ConnectionLifecycleServiceGrpc.SERVICE_NAME),
                        Tag.create("grpc_method", "ConnectionOpened"), Tag.create("grpc_code", "CANCELLED")))
                .map(Counter::count).orElse(0L);
    }
}
