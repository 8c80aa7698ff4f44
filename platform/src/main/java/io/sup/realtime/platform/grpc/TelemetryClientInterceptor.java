package io.sup.realtime.platform.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.sup.realtime.platform.telemetry.RequestContext;
import io.sup.realtime.platform.telemetry.Tracing;

/**
 * The client side of a call's context: the calling thread's request id as {@code x-request-id}
 * metadata, and, while tracing is on, its current span as W3C {@code traceparent}, so the
 * callee's span is a child of the caller's (the gateway's event span, or a service's call span).
 */
public final class TelemetryClientInterceptor implements ClientInterceptor {
    /** The request id's metadata key. */
    public static final Metadata.Key<String> REQUEST_ID = Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);

    private static final TextMapSetter<Metadata> SETTER =
            (carrier, key, value) -> carrier.put(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), value);

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                RequestContext.requestId().ifPresent(id -> headers.put(REQUEST_ID, id));
                if (Tracing.enabled()) {
                    Tracing.propagator().inject(Context.current(), headers, SETTER);
                }
                super.start(listener, headers);
            }
        };
    }
}
