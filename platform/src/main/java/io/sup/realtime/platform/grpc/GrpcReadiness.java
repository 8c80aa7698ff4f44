package io.sup.realtime.platform.grpc;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckType;

/**
 * Readiness: a gRPC service this process calls answers. Probed in the background with the
 * standard {@code grpc.health.v1.Health/Check} for the service's name (gRPC health checking
 * protocol, grpc/grpc {@code doc/health-checking.md}) through the channel the calls use, so
 * the probe takes the same path (name resolution, round robin, TLS) as a real call.
 *
 * <p>The rule, so that one slow answer never flaps readiness: a probe every
 * {@link Policy#interval()} with a deadline of {@link Policy#timeout()}; one that does not
 * answer {@code SERVING} in time fails. The check is DOWN before the first success and after
 * {@link Policy#failures()} failures in a row, UP again at the next success. With several
 * pods behind one target, the probes spread over them like calls, so one bad pod does not
 * make the check DOWN: a run of failures does. The health answer only reads the last probes'
 * result: a readiness request never waits on a remote service.
 */
public final class GrpcReadiness implements HealthCheck, AutoCloseable {
    /**
     * How a dependency is probed.
     *
     * @param interval time between probes (&gt; 0)
     * @param timeout  each probe's deadline (&gt; 0)
     * @param failures failures in a row that make the check DOWN (&ge; 1)
     */
    public record Policy(Duration interval, Duration timeout, int failures) {
        /** Validates the values. */
        public Policy {
            if (interval.isNegative() || interval.isZero() || timeout.isNegative() || timeout.isZero() || failures < 1) {
                throw new IllegalArgumentException("readiness probes need an interval and a timeout above 0 ms and at least"
                        + " 1 failure, got " + interval.toMillis() + " ms, " + timeout.toMillis() + " ms, " + failures);
            }
        }
    }

    private final String name;
    private final String target;
    private final HealthCheckRequest request;
    private final HealthGrpc.HealthStub stub;
    private final Policy policy;
    private final AtomicBoolean probing = new AtomicBoolean();
    private volatile ScheduledFuture<?> schedule;
    private volatile boolean up;
    private volatile int failuresInRow;
    private volatile String last = "not probed yet";

    private GrpcReadiness(String name, String target, Channel channel, String service, Policy policy) {
        this.name = name;
        this.target = target;
        this.request = HealthCheckRequest.newBuilder().setService(service).build();
        this.stub = HealthGrpc.newStub(channel);
        this.policy = policy;
    }

    /**
     * Starts probing at once, then every {@code policy.interval()} on {@code timers} (the probe
     * is asynchronous: it never holds a timer thread).
     *
     * @param name    the check's name in the health answer, e.g. {@code grpc-messaging}
     * @param target  the channel's target, reported in the check's details
     * @param channel the channel the process's calls to the service use
     * @param service the gRPC service name to check, e.g. {@code sup.messaging.v1.MessagingService}
     */
    public static GrpcReadiness start(String name, String target, Channel channel, String service, Policy policy,
                                      ScheduledExecutorService timers) {
        GrpcReadiness readiness = new GrpcReadiness(name, target, channel, service, policy);
        readiness.schedule = timers.scheduleWithFixedDelay(readiness::probe, 0, policy.interval().toMillis(),
                TimeUnit.MILLISECONDS);
        return readiness;
    }

    @Override
    public HealthCheckType type() {
        return HealthCheckType.READINESS;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public io.helidon.health.HealthCheckResponse call() {
        return io.helidon.health.HealthCheckResponse.builder().status(up)
                .detail("target", target)
                .detail("service", request.getService())
                .detail("last", last)
                .detail("failuresInRow", failuresInRow)
                .build();
    }

    /** One probe, unless the previous one is still out (its deadline ends it); tests call it too. */
    void probe() {
        if (!probing.compareAndSet(false, true)) {
            return;
        }
        try {
            stub.withDeadlineAfter(policy.timeout().toMillis(), TimeUnit.MILLISECONDS)
                    .check(request, new StreamObserver<>() {
                        @Override
                        public void onNext(HealthCheckResponse response) {
                            finished(response.getStatus() == ServingStatus.SERVING ? null : response.getStatus().name());
                        }

                        @Override
                        public void onError(Throwable t) {
                            finished(Status.fromThrowable(t).getCode().name());
                        }

                        @Override
                        public void onCompleted() {
                            // onNext has told.
                        }
                    });
        } catch (RuntimeException e) {
            finished(e.getClass().getSimpleName()); // e.g. the channel is shut down
        }
    }

    /** @param failure null when the probe saw SERVING, else what it saw */
    private synchronized void finished(String failure) {
        probing.set(false); // first: whoever sees this result may start the next probe
        if (failure == null) {
            failuresInRow = 0;
            last = ServingStatus.SERVING.name();
            up = true;
        } else {
            failuresInRow++;
            last = failure;
            if (failuresInRow >= policy.failures()) {
                up = false;
            }
        }
    }

    /** Stops probing. */
    @Override
    public void close() {
        ScheduledFuture<?> s = schedule;
        if (s != null) {
            s.cancel(false);
        }
    }
}
