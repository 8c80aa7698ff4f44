package io.sup.realtime.platform.telemetry;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.util.concurrent.TimeUnit;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.sup.realtime.platform.config.Settings;

/**
 * The process's OpenTelemetry tracer. Off unless {@code otel.exporter.otlp.endpoint}
 * ({@code OTEL_EXPORTER_OTLP_ENDPOINT}, e.g. {@code http://otel-collector:4318}) is set: then
 * spans go in batches to {@code <endpoint>/v1/traces} over OTLP/HTTP with protobuf bodies
 * (the OpenTelemetry specification's exporter settings), named by
 * {@code otel.service.name} ({@code OTEL_SERVICE_NAME}, default: the service's name).
 *
 * <p>Trace context travels as W3C {@code traceparent} (W3C Trace Context, Level 1): from the
 * gateway's span per client event through gRPC metadata to a span per gRPC call in the
 * services. While off, {@link #enabled()} is false and the callers skip every span, so the
 * per-message cost is one volatile read.
 *
 * <p>One tracer per process (OpenTelemetry's own model): tests that run several services in
 * one JVM share it.
 */
public final class Tracing {
    private static final Logger LOG = System.getLogger(Tracing.class.getName());
    private static final String INSTRUMENTATION = "io.sup.realtime";

    private static volatile State state = State.OFF;

    private Tracing() {
    }

    /** What is configured now; replaced whole so readers never see half of it. */
    private record State(boolean enabled, OpenTelemetry otel, Tracer tracer, SdkTracerProvider provider) {
        static final State OFF = new State(false, OpenTelemetry.noop(), OpenTelemetry.noop().getTracer(INSTRUMENTATION), null);
    }

    /**
     * Configures tracing from {@code settings}; replaces (and flushes) what was configured
     * before.
     *
     * @param service the default service name
     * @throws IllegalArgumentException when the endpoint is not an absolute http(s) URI
     */
    public static void configure(String service, Settings settings) {
        String endpoint = settings.string("otel.exporter.otlp.endpoint", null);
        if (endpoint == null) {
            replace(State.OFF);
            return;
        }
        URI traces = settings.parsed("otel.exporter.otlp.endpoint", Tracing::tracesUri);
        String name = settings.string("otel.service.name", service);
        enable(name, traces);
    }

    /**
     * Turns tracing on, exporting to {@code tracesEndpoint} (the full URL, e.g.
     * {@code http://localhost:4318/v1/traces}) as {@code serviceName}.
     */
    public static void enable(String serviceName, URI tracesEndpoint) {
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(
                        Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), serviceName))))
                .addSpanProcessor(BatchSpanProcessor.builder(
                        OtlpHttpSpanExporter.builder().setEndpoint(tracesEndpoint.toString()).build()).build())
                .build();
        OpenTelemetry otel = OpenTelemetrySdk.builder()
                .setTracerProvider(provider)
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        replace(new State(true, otel, otel.getTracer(INSTRUMENTATION), provider));
        LOG.log(Level.INFO, "tracing on: spans of " + serviceName + " go to " + tracesEndpoint + " (OTLP/HTTP)");
    }

    /** Exports the spans ended so far now rather than with the next batch (waits up to 5 s). */
    public static void flush() {
        SdkTracerProvider provider = state.provider();
        if (provider != null) {
            provider.forceFlush().join(5, TimeUnit.SECONDS);
        }
    }

    /** Turns tracing off, exporting what is still buffered first (up to 5 s). */
    public static void shutdown() {
        replace(State.OFF);
    }

    private static void replace(State next) {
        State previous = state;
        state = next;
        if (previous.provider() != null) {
            previous.provider().shutdown().join(5, TimeUnit.SECONDS);
        }
    }

    /** Whether spans are recorded and exported; callers skip all span work when not. */
    public static boolean enabled() {
        return state.enabled();
    }

    /** The tracer (a no-op one while tracing is off). */
    public static Tracer tracer() {
        return state.tracer();
    }

    /** The propagator for {@code traceparent} (a no-op one while tracing is off). */
    public static TextMapPropagator propagator() {
        return state.otel().getPropagators().getTextMapPropagator();
    }

    /** {@code http://host:4318} becomes {@code http://host:4318/v1/traces}, as the OTLP exporter spec says. */
    static URI tracesUri(String endpoint) {
        URI base = URI.create(endpoint.trim());
        if (base.getHost() == null || !("http".equals(base.getScheme()) || "https".equals(base.getScheme()))) {
            throw new IllegalArgumentException("must be an http(s) URL such as http://otel-collector:4318");
        }
        String path = base.getPath() == null ? "" : base.getPath();
        return base.resolve((path.endsWith("/") ? path : path + "/") + "v1/traces");
    }
}
