package io.sup.realtime.platform.grpc;

import java.util.concurrent.atomic.AtomicBoolean;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Counts and times every call a gRPC server serves: {@code grpc_server_handled_total{grpc_service,
 * grpc_method, grpc_code}} and {@code grpc_server_handling_seconds{grpc_service, grpc_method}}
 * (docs/METRICS.md). Placed outside {@link ErrorMappingInterceptor} so it sees the status the
 * client gets; a call the client cancels (or whose deadline passes) before the server closes
 * it counts as {@code CANCELLED}. Per call: two small wrappers, one timer record, one counter
 * increment.
 */
public final class GrpcServerMetrics implements ServerInterceptor {
    private final GrpcCallMeters meters = new GrpcCallMeters("grpc.server");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Ending ending = new Ending(meters.of(call.getMethodDescriptor()));
        ServerCall.Listener<Q> listener = next.startCall(new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                ending.ended(status.getCode());
                super.close(status, trailers);
            }
        }, headers);
        return new SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onCancel() {
                ending.ended(Status.Code.CANCELLED);
                super.onCancel();
            }
        };
    }

    /** Records a call's end once: the server's close, or the client's cancel, whichever is first. */
    private static final class Ending extends AtomicBoolean {
        private final GrpcCallMeters.Method method;
        private final long start = System.nanoTime();

        Ending(GrpcCallMeters.Method method) {
            this.method = method;
        }

        void ended(Status.Code code) {
            if (compareAndSet(false, true)) {
                method.record(code, System.nanoTime() - start);
            }
        }
    }
}
