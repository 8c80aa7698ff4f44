package io.sup.realtime.platform.grpc;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Bounds how many unary handlers a server runs at once, and skips the handler of a call whose
 * caller has already gone (its deadline passed or it cancelled) by the time a slot is free.
 *
 * <p>Why: every call gets a virtual thread at once, so under overload thousands of handlers
 * would start and queue inside, for a pooled Redis connection, long after their callers gave
 * up; the service would spend its CPU on answers nobody reads and never catch up (seen in
 * bench/run.sh compare: 805 of 842 handler threads of messaging-service waiting for one of
 * the pool's 64 connections). Here the excess waits before the handler starts, costing
 * nothing but a parked virtual thread and its request, and for no longer than the call's
 * deadline: a call that expires while it waits is dropped without running. A skipped call was cancelled already: the caller has its
 * {@code DEADLINE_EXCEEDED} or {@code CANCELLED}, and {@link GrpcServerMetrics} counts it as
 * {@code CANCELLED}.
 *
 * <p>Unary handlers run inside {@code onHalfClose} (grpc-java's {@code ServerCalls}), so the
 * permit is held exactly while one runs. The limit is the server's, shared by its services. A
 * handler that calls another service holds its permit meanwhile (presence asks messaging,
 * calls ask presence); the call graph between the services has no cycle, so waiting for a
 * permit cannot deadlock, and every wait ends at the caller's deadline.
 */
final class CallsInFlightLimit implements ServerInterceptor {
    private final Semaphore permits;

    /** @param limit the most handlers running at once, at least 1 */
    CallsInFlightLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        this.permits = new Semaphore(limit);
    }

    /**
     * Waits for a slot, no longer than the call's deadline.
     *
     * @return true with a permit held; false without one, when the call was cancelled or its
     *     deadline passed first
     */
    private boolean awaitPermit(Context context) {
        if (context.isCancelled()) {
            return false;
        }
        Deadline deadline = context.getDeadline();
        if (deadline == null) {
            permits.acquireUninterruptibly();
            return true;
        }
        try {
            return permits.tryAcquire(Math.max(0, deadline.timeRemaining(TimeUnit.NANOSECONDS)), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                       ServerCallHandler<Q, R> next) {
        return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
            @Override
            public void onHalfClose() {
                Context context = Context.current();
                if (!awaitPermit(context)) {
                    return; // the caller has gone: nothing to answer
                }
                try {
                    if (!context.isCancelled()) {
                        super.onHalfClose();
                    }
                } finally {
                    permits.release();
                }
            }
        };
    }
}
