package io.sup.realtime.messaging;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.sup.realtime.platform.grpc.GrpcChannels;
import io.sup.realtime.platform.telemetry.RequestContext;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.messaging.v1.ChatAdminServiceGrpc;
import io.sup.realtime.proto.messaging.v1.CreateChatRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LOG_FORMAT for real: messaging-service's own {@code main} in a JVM of its own. With
 * {@code json} every line it writes, from start to stop, is one JSON object with the
 * documented fields, and a call's lines carry the caller's {@code x-request-id}; a bad value
 * refuses the start with a message naming the setting.
 */
class JsonLogLinesTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");

    @TempDir
    Path dir;

    private Process start(Path log, Map<String, String> env) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // The flags the run scripts give JDK 23+, whose own warnings (not log records) would
        // otherwise open the output.
        ProcessBuilder builder = new ProcessBuilder(java, "--sun-misc-unsafe-memory-access=allow",
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath, Main.class.getName())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(Map.of("REDIS_URL", REDIS.url().toString(), "GRPC_PORT", "0", "OBSERVE_PORT", "0"));
        builder.environment().putAll(env);
        return builder.start();
    }

    @Test
    void everyLineIsOneJsonObjectAndACallsLinesCarryItsRequestId() throws Exception {
        Path log = dir.resolve("messaging.log");
        Process service = start(log, Map.of("LOG_FORMAT", "json", "LOG_LEVEL", "debug"));
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log).contains("messaging-service up"));
            Matcher port = Pattern.compile("gRPC on port (\\d+)").matcher(Files.readString(log));
            assertTrue(port.find(), Files.readString(log));
            ManagedChannel channel = GrpcChannels.forTarget("localhost:" + port.group(1));
            try (RequestContext.Scope ignored = RequestContext.open("req-json-1", null)) {
                ChatAdminServiceGrpc.newBlockingStub(channel).createChat(
                        CreateChatRequest.newBuilder().setId("logged").addMemberIds("alice").build());
            } finally {
                GrpcChannels.close(channel);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(log).contains("req-json-1"));
        } finally {
            service.destroy(); // SIGTERM: the shutdown hook logs the stop
            assertTrue(service.waitFor(60, TimeUnit.SECONDS));
        }

        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        assertFalse(lines.isEmpty());
        for (String line : lines) {
            JsonNode entry = JSON.readTree(line); // throws on anything but JSON
            assertTrue(entry.isObject(), line);
            assertTrue(TIMESTAMP.matcher(entry.path("timestamp").asText()).matches(), line);
            for (String field : List.of("level", "logger", "message", "thread")) {
                assertFalse(entry.path(field).asText().isEmpty(), field + " in " + line);
            }
        }
        JsonNode call = lines.stream().map(JsonLogLinesTest::parse)
                .filter(e -> e.path("message").asText().contains("ChatAdminService/CreateChat")).findFirst().orElseThrow();
        assertEquals("req-json-1", call.path("requestId").asText(), call.toString());
        assertEquals("DEBUG", call.path("level").asText());
        assertTrue(lines.stream().map(JsonLogLinesTest::parse).anyMatch(e -> e.path("message").asText().contains(" up: ")));
        // A line with an exception keeps its whole stack trace in one string field.
        assertTrue(lines.stream().map(JsonLogLinesTest::parse).filter(e -> e.has("exception"))
                .allMatch(e -> e.path("exception").asText().contains("\tat ")), String.join("\n", lines));
    }

    @Test
    void aBadLogFormatRefusesTheStartNamingTheSetting() throws Exception {
        Path log = dir.resolve("refused.log");
        Process service = start(log, Map.of("LOG_FORMAT", "xml"));
        assertTrue(service.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, service.exitValue());
        String output = Files.readString(log);
        assertTrue(output.contains("configuration 'log.format' (env LOG_FORMAT) has a bad value 'xml': must be text or json"),
                output);
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (java.io.IOException e) {
            throw new AssertionError(line, e);
        }
    }
}
