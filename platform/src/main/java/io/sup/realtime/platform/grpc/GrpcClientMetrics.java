package io.sup.realtime.platform.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;

/**
 * Counts and times every call made through a channel: {@code grpc_client_handled_total{grpc_service,
 * grpc_method, grpc_code}} and {@code grpc_client_handling_seconds{grpc_service, grpc_method}}
 * (docs/METRICS.md), from the call's start to the final status the caller sees (deadline
 * and connection failures included). Per call: two small wrappers, one timer record, one
 * counter increment.
 */
public final class GrpcClientMetrics implements ClientInterceptor {
    /** One for the process: the meters are global anyway. */
    public static final GrpcClientMetrics INSTANCE = new GrpcClientMetrics();

    private final GrpcCallMeters meters = new GrpcCallMeters("grpc.client");

    private GrpcClientMetrics() {
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        GrpcCallMeters.Method meters = this.meters.of(method);
        return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                long start = System.nanoTime();
                super.start(new SimpleForwardingClientCallListener<>(listener) {
                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        meters.record(status.getCode(), System.nanoTime() - start);
                        super.onClose(status, trailers);
                    }
                }, headers);
            }
        };
    }
}
