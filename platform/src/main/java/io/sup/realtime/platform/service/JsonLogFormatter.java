package io.sup.realtime.platform.service;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import io.helidon.logging.common.HelidonMdc;
import io.helidon.metadata.hson.Hson;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.sup.realtime.platform.telemetry.RequestContext;

/**
 * {@code LOG_FORMAT=json}: one JSON object per line (JSON Lines), written with Helidon's
 * JSON writer (Hson, what Helidon's own {@code HelidonJsonFormatter} uses). Fields:
 * <ul>
 *   <li>{@code timestamp}: ISO-8601 in UTC with milliseconds, e.g. {@code 2026-12-01T22:10:00.123Z}</li>
 *   <li>{@code level}: {@code ERROR}, {@code WARN}, {@code INFO}, {@code DEBUG} or {@code TRACE}
 *       (the {@code LOG_LEVEL} names; JUL's SEVERE, WARNING, INFO, CONFIG/FINE, FINER/FINEST)</li>
 *   <li>{@code logger}, {@code message}, {@code thread}</li>
 *   <li>{@code exception}: the stack trace as one string, when the record has one</li>
 *   <li>{@code requestId}, {@code connectionId}: the thread's {@link RequestContext}, when set</li>
 *   <li>{@code traceId}, {@code spanId}: the current OpenTelemetry span, while tracing is on</li>
 * </ul>
 * Not Helidon's {@code HelidonJsonFormatter}: its time fields follow the JVM's zone, and it
 * knows nothing of the trace.
 */
public final class JsonLogFormatter extends Formatter {
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final List<String> CONTEXT = List.of(RequestContext.REQUEST_ID, RequestContext.CONNECTION_ID);

    @Override
    public String format(LogRecord record) {
        Hson.Struct.Builder line = Hson.Struct.builder()
                .set("timestamp", TIMESTAMP.format(record.getInstant()))
                .set("level", level(record.getLevel()))
                .set("logger", record.getLoggerName() == null ? "" : record.getLoggerName())
                .set("message", formatMessage(record))
                .set("thread", thread());
        for (String key : CONTEXT) {
            HelidonMdc.get(key).ifPresent(value -> line.set(key, value));
        }
        SpanContext span = Span.current().getSpanContext();
        if (span.isValid()) {
            line.set("traceId", span.getTraceId()).set("spanId", span.getSpanId());
        }
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.set("exception", trace.toString());
        }
        StringWriter out = new StringWriter();
        PrintWriter writer = new PrintWriter(out);
        line.build().write(writer);
        writer.println();
        writer.flush();
        return out.toString();
    }

    /** JUL's levels by the {@code LOG_LEVEL} names. */
    static String level(Level level) {
        int value = level.intValue();
        if (value >= Level.SEVERE.intValue()) {
            return "ERROR";
        } else if (value >= Level.WARNING.intValue()) {
            return "WARN";
        } else if (value >= Level.INFO.intValue()) {
            return "INFO";
        } else if (value >= Level.FINE.intValue()) {
            return "DEBUG";
        }
        return "TRACE";
    }

    /** The logging thread (JUL formats on it): its name, or for an unnamed virtual thread its description. */
    private static String thread() {
        Thread current = Thread.currentThread();
        return current.getName().isEmpty() ? current.toString() : current.getName();
    }
}
