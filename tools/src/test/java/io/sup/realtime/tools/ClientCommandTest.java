package io.sup.realtime.tools;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.security.jwt.SignedJwt;
import io.helidon.security.jwt.jwk.Jwk;
import io.helidon.security.jwt.jwk.JwkKeys;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.sup.realtime.platform.testing.RedisServerExtension;
import jakarta.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sup client}: argument checks, and whole sessions over a real WebSocket against a
 * small stand-in for the gateway's native endpoint (Helidon's WebSocket server, as the
 * gateway uses): it checks the bearer token with the shared secret, answers every event with
 * an ack, and delivers {@code message:new} back, or closes with 4401 for a bad token.
 */
class ClientCommandTest {
    private static final String SECRET = "test-secret-that-is-long-enough-for-hs256";
    private static final Map<String, String> ENV = Map.of("JWT_SECRET", SECRET);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Queue<JsonNode> RECEIVED = new ConcurrentLinkedQueue<>();

    private static WebServer server;
    private static String url;

    @BeforeAll
    static void startServer() {
        server = WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .addRouting(WsRouting.builder().endpoint("/ws", FakeGateway::new))
                .build()
                .start();
        url = "ws://127.0.0.1:" + server.port() + "/ws";
    }

    @AfterAll
    static void stopServer() {
        server.stop();
    }

    @BeforeEach
    void clear() {
        RECEIVED.clear();
    }

    @Test
    void pipedInputJoinsSendsAndPrintsAcksAndDeliveredMessages() {
        CliRun run = CliRun.runWithInput(ENV, "hello\n/send message:typing {\"chatId\":\"c1\"}\n",
                "client", "--url", url, "--user", "alice", "--device", "d1", "--join", "c1", "--wait-ms", "300");

        assertEquals(0, run.exitCode(), run.toString());
        List<String> out = run.out().lines().toList();
        assertTrue(out.contains("<< {\"event\":\"connected\",\"data\":{\"userId\":\"alice\",\"deviceId\":\"d1\"}}"), run.toString());
        assertTrue(out.contains(">> {\"event\":\"chat:join\",\"id\":1,\"data\":{\"chatId\":\"c1\"}}"), run.toString());
        assertTrue(out.contains("<< ack 1: {\"success\":true,\"event\":\"chat:join\"}"), run.toString());
        assertTrue(out.stream().anyMatch(l -> l.startsWith(">> {\"event\":\"message:new\",\"id\":2,\"data\":{\"chatId\":\"c1\","
                + "\"content\":\"hello\",\"type\":\"text\",\"tempId\":\"t-")), run.toString());
        assertTrue(out.contains("<< ack 2: {\"success\":true,\"event\":\"message:new\"}"), run.toString());
        assertTrue(out.contains("[c1] alice: hello"), run.toString());
        assertTrue(out.contains("<< ack 3: {\"success\":true,\"event\":\"message:typing\"}"), run.toString());
        assertEquals("-- connection closed (1000)", out.getLast());

        List<String> events = RECEIVED.stream().map(f -> f.path("event").asText()).toList();
        assertEquals(List.of("chat:join", "message:new", "message:typing"), events);
        JsonNode message = RECEIVED.stream().filter(f -> f.path("event").asText().equals("message:new")).findFirst().orElseThrow();
        assertEquals("c1", message.path("data").path("chatId").asText());
        assertEquals("text", message.path("data").path("type").asText());
        assertTrue(message.path("data").path("tempId").asText().startsWith("t-"));
    }

    @Test
    void joinSwitchesTheCurrentChatAndTextWithoutAChatIsNotSent() {
        CliRun run = CliRun.runWithInput(ENV, "too early\n/join c2\nnow\n/bogus\n/send x [1]\n",
                "client", "--url", url, "--user", "bob", "--wait-ms", "300");

        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().contains("no current chat"), run.err());
        assertTrue(run.err().contains("unknown command /bogus"), run.err());
        assertTrue(run.err().contains("not sent: data must be a JSON object"), run.err());
        assertTrue(run.out().contains("[c2] bob: now"), run.toString());
        assertEquals(List.of("chat:join", "message:new"), RECEIVED.stream().map(f -> f.path("event").asText()).toList());
    }

    @Test
    void quitWaitsForOutstandingAcksOnlyAsLongAsNeeded() {
        long start = System.nanoTime();
        CliRun run = CliRun.runWithInput(ENV, "/join c3\n/quit\nnot read\n",
                "client", "--url", url, "--token", token("carol"), "--wait-ms", "10000");
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("<< ack 1: "), run.toString());
        assertTrue(tookMs < 5_000, "quit does not wait the full --wait-ms once acks are in: " + tookMs + " ms");
        assertEquals(1, RECEIVED.size());
    }

    @Test
    void serverClosingWithAnErrorCodeExitsOneWithCodeAndReason() {
        CliRun run = CliRun.runWithInput(ENV, "", "client", "--url", url, "--token", "not-a-valid-token", "--wait-ms", "2000");

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("<< {\"event\":\"error\",\"data\":{\"code\":\"UNAUTHENTICATED\""), run.toString());
        assertTrue(run.err().contains("error: connection closed by the server: 4401 invalid signature"), run.err());
    }

    @Test
    void refusedConnectionExitsOneSayingSo() {
        int closedPort = RedisServerExtension.freePort();

        CliRun run = CliRun.runWithInput(ENV, "", "client", "--url", "ws://127.0.0.1:" + closedPort + "/ws", "--user", "alice");

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("error: cannot connect to ws://127.0.0.1:" + closedPort + "/ws: connection refused"), run.err());
    }

    @Test
    void refusedUpgradeExitsOneWithTheHttpStatus() {
        CliRun run = CliRun.runWithInput(ENV, "", "client", "--url", url.replace("/ws", "/nope"), "--user", "alice");

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("refused the WebSocket upgrade: HTTP 404"), run.err());
    }

    @Test
    void credentialsAreRequiredOnceAndMintingNeedsASecret() {
        CliRun none = CliRun.run(ENV, "client", "--url", url);
        assertEquals(2, none.exitCode());
        assertTrue(none.err().contains("--token") && none.err().contains("--user"), none.err());

        assertEquals(2, CliRun.run(ENV, "client", "--token", "t", "--user", "alice").exitCode());

        CliRun noSecret = CliRun.run(Map.of(), "client", "--user", "alice");
        assertEquals(2, noSecret.exitCode());
        assertTrue(noSecret.err().contains("JWT_SECRET"), noSecret.err());
    }

    @Test
    void badUrlWaitAndTtlAreUsageErrors() {
        CliRun http = CliRun.run(ENV, "client", "--url", "http://localhost:3001/ws", "--user", "alice");
        assertEquals(2, http.exitCode());
        assertTrue(http.err().contains("ws://"), http.err());
        assertEquals(2, CliRun.run(ENV, "client", "--url", "ws://bad host/ws", "--user", "alice").exitCode());
        assertEquals(2, CliRun.run(ENV, "client", "--user", "alice", "--wait-ms", "-1").exitCode());
        assertEquals(2, CliRun.run(ENV, "client", "--user", "alice", "--wait-ms", "soon").exitCode());
        assertEquals(2, CliRun.run(ENV, "client", "--user", "alice", "--ttl", "0s").exitCode());
    }

    @Test
    void endpointAddsTheDeviceIdParameter() {
        CommandLine.Model.CommandSpec spec = CommandLine.Model.CommandSpec.create();
        assertEquals(URI.create("ws://h:1/ws?deviceId=my+phone"), ClientCommand.endpoint("ws://h:1/ws", "my phone", spec));
        assertEquals(URI.create("wss://h/ws?x=1&deviceId=d"), ClientCommand.endpoint("wss://h/ws?x=1", "d", spec));
        assertEquals(URI.create("ws://h/ws"), ClientCommand.endpoint("ws://h/ws", null, spec));
    }

    @Test
    void helpListsTheInputCommands() {
        CliRun run = CliRun.run(Map.of(), "client", "--help");

        assertEquals(0, run.exitCode());
        assertTrue(run.out().contains("/join") && run.out().contains("--wait-ms"), run.out());
        assertFalse(run.out().isBlank());
    }

    private static String token(String user) {
        return CliRun.run(ENV, "token", "--user", user).out().strip();
    }

    /** Just enough of the gateway's native endpoint: bearer token check, acks, message delivery back. */
    private static final class FakeGateway implements WsListener {
        private String bearer;
        private String user;
        private String device;

        @Override
        public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) {
            bearer = headers.first(HeaderNames.AUTHORIZATION).map(h -> h.substring("Bearer ".length())).orElse(null);
            device = prologue.query().first("deviceId").orElse(null);
            return Optional.empty();
        }

        @Override
        public void onOpen(WsSession session) {
            try {
                SignedJwt jwt = SignedJwt.parseToken(bearer);
                if (!jwt.verifySignature(JwkKeys.builder().build(), key()).isValid()) {
                    throw new IllegalArgumentException("invalid signature");
                }
                user = jwt.getJwt().subject().orElseThrow();
                device = jwt.getJwt().payloadClaim("deviceId").map(v -> ((jakarta.json.JsonString) v).getString()).orElse(device);
            } catch (RuntimeException e) {
                session.send("{\"event\":\"error\",\"data\":{\"code\":\"UNAUTHENTICATED\",\"message\":\"invalid signature\"}}", true);
                session.close(4401, "invalid signature");
                return;
            }
            ObjectNode data = JSON.createObjectNode().put("userId", user);
            if (device != null) {
                data.put("deviceId", device);
            }
            session.send("{\"event\":\"connected\",\"data\":" + data + "}", true);
        }

        @Override
        public void onMessage(WsSession session, String text, boolean last) {
            JsonNode frame;
            try {
                frame = JSON.readTree(text);
            } catch (Exception e) {
                return;
            }
            RECEIVED.add(frame);
            String event = frame.path("event").asText();
            session.send("{\"ack\":" + frame.path("id").asLong() + ",\"data\":{\"success\":true,\"event\":\"" + event + "\"}}", true);
            if (event.equals("message:new")) {
                ObjectNode message = ((ObjectNode) frame.path("data").deepCopy()).put("senderId", user).put("id", "1");
                session.send("{\"event\":\"message:new\",\"data\":" + message + "}", true);
            }
        }

        private static Jwk key() {
            return Jwk.create(Json.createObjectBuilder().add("kty", "oct").add("kid", "default").add("alg", "HS256")
                    .add("k", Base64.getUrlEncoder().withoutPadding().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8)))
                    .build());
        }
    }
}
