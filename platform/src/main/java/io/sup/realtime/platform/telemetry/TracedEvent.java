package io.sup.realtime.platform.telemetry;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;

/**
 * One client event being handled on the current thread: a new request id and the connection
 * id in the log context, and, while tracing is on, a span {@code ws <event>} made current, so
 * the gRPC calls the event makes carry its trace context. Close it on the same thread.
 */
public final class TracedEvent implements AutoCloseable {
    private final RequestContext.Scope context;
    private final Span span;
    private final Scope current;

    private TracedEvent(RequestContext.Scope context, Span span, Scope current) {
        this.context = context;
        this.span = span;
        this.current = current;
    }

    /**
     * Starts handling event {@code eventName} (e.g. {@code message:new}) of connection
     * {@code connectionId}.
     */
    public static TracedEvent start(String eventName, String connectionId) {
        String requestId = RequestContext.newRequestId();
        RequestContext.Scope context = RequestContext.open(requestId, connectionId);
        if (!Tracing.enabled()) {
            return new TracedEvent(context, null, null);
        }
        Span span = Tracing.tracer().spanBuilder("ws " + eventName)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute("sup.event", eventName)
                .setAttribute("sup.connection.id", connectionId)
                .setAttribute("sup.request.id", requestId)
                .startSpan();
        return new TracedEvent(context, span, span.makeCurrent());
    }

    /** Marks the event failed with {@code code} (an error code, never client content). */
    public void failed(String code) {
        if (span != null) {
            span.setStatus(StatusCode.ERROR, code);
        }
    }

    @Override
    public void close() {
        if (span != null) {
            current.close();
            span.end();
        }
        context.close();
    }
}
