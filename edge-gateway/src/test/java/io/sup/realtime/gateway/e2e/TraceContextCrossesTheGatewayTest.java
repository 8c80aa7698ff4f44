package io.sup.realtime.gateway.e2e;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.proto.trace.v1.Span;
import io.sup.realtime.gateway.Main;
import io.sup.realtime.gateway.auth.TestTokens;
import io.sup.realtime.platform.config.Settings;
import io.sup.realtime.platform.grpc.TelemetryServerInterceptor;
import io.sup.realtime.platform.service.JsonLogFormatter;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.platform.telemetry.Tracing;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tracing for real: with OTEL_EXPORTER_OTLP_ENDPOINT set, a WebSocket {@code message:new}
 * through a real gateway and messaging-service reaches a stand-in collector over OTLP/HTTP as
 * the gateway's span {@code ws message:new} and messaging's span for SendMessage, in one trace,
 * the second a child of the first (W3C traceparent in the gRPC metadata); the service's JSON
 * log line for the call carries that trace id, span id and the gateway's request id.
 */
class TraceContextCrossesTheGatewayTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final String SEND = "sup.messaging.v1.MessagingService/SendMessage";

    private static OtlpReceiver collector;
    private static ServiceHost messaging;
    private static Main gateway;

    /** The JSON lines of the services' call log, as LOG_FORMAT=json writes them. */
    private static final List<String> CALL_LINES = new CopyOnWriteArrayList<>();
    private static final Logger CALL_LOG = Logger.getLogger(TelemetryServerInterceptor.class.getName());
    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            CALL_LINES.add(new JsonLogFormatter().format(record));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    static void startSystem() throws Exception {
        CALL_LOG.setLevel(java.util.logging.Level.FINE);
        CAPTURE.setLevel(java.util.logging.Level.FINE);
        CALL_LOG.addHandler(CAPTURE);
        collector = new OtlpReceiver();
        // What ServiceHost.runMain does with the environment, in this JVM that hosts both.
        Tracing.configure("sup-test", Settings.of("edge-gateway", Map.of(
                "otel.exporter.otlp.endpoint", collector.endpoint().toString())));
        messaging = TestSystem.messaging(REDIS, 0);
        gateway = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-trace");
    }

    @AfterAll
    static void stopSystem() {
        gateway.close();
        messaging.close();
        Tracing.shutdown();
        collector.close();
        CALL_LOG.removeHandler(CAPTURE);
        CALL_LOG.setLevel(null);
    }

    @Test
    void theServicesSpanIsAChildOfTheGatewaysEventSpan() throws Exception {
        TestSystem.createChat(messaging.grpcPort(), "traced", "alice", "bob");
        try (var alice = WsTestClient.connectAs(gateway.port(), TestTokens.access("alice"))) {
            JsonNode ack = alice.request("message:new", Map.of("chatId", "traced", "content", "hi", "tempId", "t-1"));
            assertTrue(ack.get("success").asBoolean(), ack.toString());
        }
        // The gateway's span ends just after its ack is on its way: wait for it to be exported.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Tracing.flush();
            assertEquals(1, spans("ws message:new").size(), "gateway spans: " + collector.spans());
            assertEquals(1, spans(SEND).size(), "messaging spans: " + collector.spans());
        });
        List<Span> events = spans("ws message:new");
        List<Span> sends = spans(SEND);
        Span event = events.getFirst();
        Span send = sends.getFirst();
        assertFalse(event.getTraceId().isEmpty());
        assertArrayEquals(event.getTraceId().toByteArray(), send.getTraceId().toByteArray(), "one trace");
        assertArrayEquals(event.getSpanId().toByteArray(), send.getParentSpanId().toByteArray(), "child of the event");
        assertTrue(event.getParentSpanId().isEmpty(), "the event starts the trace");
        assertEquals(Span.SpanKind.SPAN_KIND_SERVER, send.getKind());
        assertTrue(collector.spans().stream().allMatch(r -> r.service().equals("sup-test")));

        // The service's log line for the call names the same trace and span, and the request id.
        JsonNode line = CALL_LINES.stream().map(TraceContextCrossesTheGatewayTest::parse)
                .filter(l -> l.path("message").asText().contains(SEND)).findFirst().orElseThrow();
        assertEquals(HexFormat.of().formatHex(send.getTraceId().toByteArray()), line.path("traceId").asText(), line.toString());
        assertEquals(HexFormat.of().formatHex(send.getSpanId().toByteArray()), line.path("spanId").asText(), line.toString());
        String eventRequestId = event.getAttributesList().stream().filter(a -> a.getKey().equals("sup.request.id"))
                .map(a -> a.getValue().getStringValue()).findFirst().orElseThrow();
        assertEquals(eventRequestId, line.path("requestId").asText(), "the gateway's x-request-id: " + line);
    }

    private static JsonNode parse(String line) {
        try {
            return new ObjectMapper().readTree(line);
        } catch (java.io.IOException e) {
            throw new AssertionError(line, e);
        }
    }

    private static List<Span> spans(String name) {
        return collector.spans().stream().map(OtlpReceiver.Received::span).filter(s -> s.getName().equals(name)).toList();
    }
}
