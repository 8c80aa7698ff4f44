package io.sup.realtime.platform.grpc;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.sup.realtime.platform.telemetry.RequestContext;
import io.sup.realtime.platform.telemetry.Tracing;

/**
 * The server side of a call's context: its request id ({@code x-request-id} metadata, or a
 * new one) in the log context of every callback, and, while tracing is on, a span per call
 * named by its full method (e.g. {@code sup.messaging.v1.MessagingService/SendMessage}),
 * child of the caller's {@code traceparent}, current during every callback and ended with
 * the call's status (OpenTelemetry's RPC semantic conventions: {@code rpc.system},
 * {@code rpc.service}, {@code rpc.method}, {@code rpc.grpc.status_code}).
 *
 * <p>At debug level ({@code LOG_LEVEL=debug}) each call ends with a line naming its method,
 * status and duration, never its content.
 *
 * <p>Every callback sets the context again: grpc-java runs a call's callbacks on whichever
 * executor thread is free (a new virtual thread here), not on one thread.
 */
public final class TelemetryServerInterceptor implements ServerInterceptor {
    private static final Logger LOG = System.getLogger(TelemetryServerInterceptor.class.getName());
    private static final TextMapGetter<Metadata> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Metadata carrier) {
            return carrier.keys();
        }

        @Override
        public String get(Metadata carrier, String key) {
            return carrier == null ? null : carrier.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
        }
    };

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String requestId = RequestContext.acceptRequestId(headers.get(TelemetryClientInterceptor.REQUEST_ID));
        String method = call.getMethodDescriptor().getFullMethodName();
        boolean logged = LOG.isLoggable(Level.DEBUG);
        if (!Tracing.enabled()) {
            CallContext context = new CallContext(requestId, null);
            ServerCall<Q, R> served = logged ? new Ending<>(call, method, null) : call;
            return new ContextListener<>(context.run(() -> next.startCall(served, headers)), context);
        }
        Context parent = Tracing.propagator().extract(Context.root(), headers, GETTER);
        Span span = Tracing.tracer().spanBuilder(method)
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute("rpc.system", "grpc")
                .setAttribute("rpc.service", String.valueOf(call.getMethodDescriptor().getServiceName()))
                .setAttribute("rpc.method", String.valueOf(call.getMethodDescriptor().getBareMethodName()))
                .setAttribute("sup.request.id", requestId)
                .startSpan();
        CallContext context = new CallContext(requestId, parent.with(span));
        ServerCall.Listener<Q> listener = context.run(() -> next.startCall(new Ending<>(call, method, span), headers));
        return new ContextListener<>(listener, context) {
            @Override
            public void onCancel() {
                super.onCancel();
                span.setStatus(StatusCode.ERROR, "CANCELLED");
                span.end(); // a call cancelled by its client is never closed by the server
            }
        };
    }

    /** Ends the call's span (when tracing) with its status, and logs the call at debug level. */
    private static final class Ending<Q, R> extends SimpleForwardingServerCall<Q, R> {
        private final String method;
        private final Span span;
        private final long startNanos = System.nanoTime();

        Ending(ServerCall<Q, R> call, String method, Span span) {
            super(call);
            this.method = method;
            this.span = span;
        }

        @Override
        public void close(Status status, Metadata trailers) {
            if (span != null) {
                span.setAttribute("rpc.grpc.status_code", status.getCode().value());
                if (!status.isOk()) {
                    span.setStatus(StatusCode.ERROR, status.getCode().name());
                }
            }
            // Called on a thread that runs a callback, so the line carries the call's context.
            LOG.log(Level.DEBUG, () -> "call " + method + " " + status.getCode() + " in "
                    + (System.nanoTime() - startNanos) / 1_000_000 + " ms");
            try {
                super.close(status, trailers);
            } finally {
                if (span != null) {
                    span.end();
                }
            }
        }
    }

    /** A call's request id and, while tracing, its OpenTelemetry context. */
    private record CallContext(String requestId, Context trace) {
        <T> T run(java.util.function.Supplier<T> body) {
            try (RequestContext.Scope ignored = RequestContext.open(requestId, null);
                 Scope ignored2 = trace == null ? Scope.noop() : trace.makeCurrent()) {
                return body.get();
            }
        }

        void run(Runnable body) {
            run(() -> {
                body.run();
                return null;
            });
        }
    }

    /** Runs each callback inside the call's context. */
    private static class ContextListener<Q> extends SimpleForwardingServerCallListener<Q> {
        private final CallContext context;

        ContextListener(ServerCall.Listener<Q> delegate, CallContext context) {
            super(delegate);
            this.context = context;
        }

        @Override
        public void onMessage(Q message) {
            context.run(() -> super.onMessage(message));
        }

        @Override
        public void onHalfClose() {
            context.run(super::onHalfClose);
        }

        @Override
        public void onCancel() {
            context.run(super::onCancel);
        }

        @Override
        public void onComplete() {
            context.run(super::onComplete);
        }

        @Override
        public void onReady() {
            context.run(super::onReady);
        }
    }
}
