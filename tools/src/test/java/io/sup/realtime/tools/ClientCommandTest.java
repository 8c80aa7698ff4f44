package io.sup.realtime.tools;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.sup.realtime.platform.config.Settings;
import io.sup.realtime.platform.grpc.GrpcChannels;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.messaging.v1.ChatAdminServiceGrpc;
import io.sup.realtime.proto.messaging.v1.CreateChatRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code sup client}: argument checks, and whole sessions over a real WebSocket against the
 * real edge-gateway in front of the real messaging-service (both started in this JVM on a
 * test Redis): what it prints are the gateway's own frames (the connection id in
 * {@code connected}, acks carrying the stored messages or the real refusals), messages from
 * other users arrive, and a bad token ends in the gateway's 4401 close. Presence, which the
 * gateway does not serve yet, is played against a {@link FakeGateway} instead.
 *
 * <p>Sessions that end with {@code /quit} or wait for the server give {@code --wait-ms} an
 * hour and run under a {@link Timeout} far shorter: a client that waits the full
 * {@code --wait-ms} instead of returning once its acks are in (or the server closed) fails
 * for sure, and a correct one passes however slow the machine.
 */
class ClientCommandTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final String SECRET = "test-secret-that-is-long-enough-for-hs256";
    private static final Map<String, String> ENV = Map.of("JWT_SECRET", SECRET);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Far longer than any test may take: waiting it out is a hang. */
    private static final String AN_HOUR_MS = "3600000";

    private static ServiceHost messaging;
    private static io.sup.realtime.gateway.Main gateway;
    private static String url;

    @BeforeAll
    static void startSystem() {
        messaging = io.sup.realtime.messaging.Main.start(Settings.of("messaging-service", Map.of(
                "grpc.port", "0", "observe.port", "0", "redis.url", REDIS.url().toString())));
        gateway = io.sup.realtime.gateway.Main.start(Settings.of("edge-gateway", Map.of(
                "port", "0", "metrics.port", "0", "redis.url", REDIS.url().toString(), "jwt.secret", SECRET,
                "messaging.grpc.target", "localhost:" + messaging.grpcPort(), "gateway.instance.id", "gw-tools")));
        url = "ws://localhost:" + gateway.port() + "/ws";
    }

    @AfterAll
    static void stopSystem() {
        gateway.close();
        messaging.close();
    }

    @BeforeEach
    void createChats() {
        ManagedChannel channel = GrpcChannels.forTarget("localhost:" + messaging.grpcPort());
        try {
            var admin = ChatAdminServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
            admin.createChat(CreateChatRequest.newBuilder().setId("c1").addAllMemberIds(List.of("alice", "bob")).build());
            admin.createChat(CreateChatRequest.newBuilder().setId("c2").addMemberIds("bob").build());
            admin.createChat(CreateChatRequest.newBuilder().setId("c3").addMemberIds("carol").build());
            admin.createChat(CreateChatRequest.newBuilder().setId("c-secret").addMemberIds("alice").build());
        } finally {
            GrpcChannels.close(channel);
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aSessionPrintsTheGatewaysFramesItsStoredMessagesAndMessagesFromOthers() throws Exception {
        try (WsPeer bob = WsPeer.connect(url, token("bob"));
             CliSession alice = CliSession.start(ENV, "client", "--url", url, "--user", "alice", "--device", "d1",
                     "--join", "c1", "--wait-ms", "0")) {
            bob.request("chat:join", Map.of("chatId", "c1")); // in the room: typing reaches it

            JsonNode connected = frame(alice.awaitOutStartingWith("<< {\"event\":\"connected\"")).get("data");
            assertEquals("alice", connected.path("userId").asText());
            assertEquals("d1", connected.path("deviceId").asText());
            assertTrue(connected.path("connectionId").asText().matches("gw-tools\\..+"), connected.toString());
            alice.awaitOutLine(">> {\"event\":\"chat:join\",\"id\":1,\"data\":{\"chatId\":\"c1\"}}");
            assertEquals(JSON.readTree("{\"success\":true,\"chatId\":\"c1\"}"), ack(alice, 1));

            alice.type("hello");
            JsonNode sent = ack(alice, 2);
            assertTrue(sent.path("success").asBoolean(), sent.toString());
            JsonNode stored = sent.get("message");
            assertEquals("1", stored.path("id").asText());
            assertEquals("c1", stored.path("chatId").asText());
            assertEquals("alice", stored.path("senderId").asText());
            assertEquals("d1", stored.path("senderDeviceId").asText());
            assertEquals("hello", stored.path("content").asText());
            assertTrue(stored.path("tempId").asText().startsWith("t-"), stored.toString());
            assertEquals(stored, bob.awaitEvent("message:new"), "bob gets the message as stored");

            assertTrue(bob.request("message:new", Map.of("chatId", "c1", "content", "hi alice")).path("success").asBoolean());
            alice.awaitOutLine("[c1] bob: hi alice");

            alice.type("/send message:typing {\"chatId\":\"c1\"}");
            assertEquals(JSON.readTree("{\"success\":true}"), ack(alice, 3));
            JsonNode typing = bob.awaitEvent("message:typing");
            assertEquals("alice", typing.path("userId").asText());

            CliRun run = alice.endInputAndAwaitExit();
            assertEquals(0, run.exitCode(), run.toString());
            assertTrue(run.out().lines().anyMatch(l -> l.startsWith(">> {\"event\":\"message:new\",\"id\":2,\"data\":"
                    + "{\"chatId\":\"c1\",\"content\":\"hello\",\"type\":\"text\",\"tempId\":\"t-")), run.toString());
            assertEquals("-- connection closed (1000)", run.out().lines().toList().getLast());
        }
        assertEquals(List.of("alice: hello", "bob: hi alice"), log("c1"));
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void joinSwitchesTheCurrentChatOnlyWhenTheGatewayAcceptsAndTextWithoutAChatIsNotSent() {
        CliRun run = CliRun.runWithInput(ENV, "too early\n/join c2\nnow\n/join c-secret\nstill c2\n/bogus\n/send x [1]\n/quit\n",
                "client", "--url", url, "--user", "bob", "--wait-ms", AN_HOUR_MS, "--connect-timeout-ms", AN_HOUR_MS);

        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().contains("no current chat"), run.toString());
        assertTrue(run.err().contains("not joined c-secret (FORBIDDEN): still in c2"), run.toString());
        assertTrue(run.err().contains("unknown command /bogus"), run.toString());
        assertTrue(run.err().contains("not sent: data must be a JSON object"), run.toString());
        JsonNode refused = ack(run, 3);
        assertFalse(refused.path("success").asBoolean(), refused.toString());
        assertEquals("FORBIDDEN", refused.at("/error/code").asText(), refused.toString());
        assertEquals("now", ack(run, 2).at("/message/content").asText());
        assertEquals("c2", ack(run, 4).at("/message/chatId").asText());
        assertEquals(List.of("bob: now", "bob: still c2"), log("c2"));
        assertEquals(List.of(), log("c-secret"));
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void quitWaitsForOutstandingAcksNotForTheWholeWait() {
        CliRun run = CliRun.runWithInput(ENV, "/join c3\n/quit\nnot read\n",
                "client", "--url", url, "--token", token("carol"), "--wait-ms", AN_HOUR_MS);

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("{\"success\":true,\"chatId\":\"c3\"}", ack(run, 1).toString());
        assertFalse(run.out().contains("not read"), run.toString());
        assertEquals("-- connection closed (1000)", run.out().lines().toList().getLast());
        assertEquals(List.of(), log("c3"));
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void theGatewayClosingWithAnErrorCodeExitsOneWithCodeAndReason() {
        CliRun run = CliRun.runWithInput(ENV, "", "client", "--url", url, "--token", "not-a-valid-token",
                "--wait-ms", AN_HOUR_MS);

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("<< {\"event\":\"error\",\"data\":{\"code\":\"UNAUTHENTICATED\",\"message\":\"malformed token\"}}"),
                run.toString());
        assertTrue(run.err().contains("error: connection closed by the server: 4401 malformed token"), run.err());
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void presenceCommandsSendTheirEventsAndPresencePrintsInWords() throws Exception {
        String subscribed = "{\"success\":true,\"userIds\":[\"bob\",\"carol\"],\"presences\":["
                + "{\"userId\":\"bob\",\"status\":\"away\",\"lastSeen\":\"2026-12-01T14:03:12.345Z\",\"customStatus\":\"in a meeting\"},"
                + "{\"userId\":\"carol\",\"status\":\"offline\"}]}";
        String bobOnline = "{\"event\":\"presence:update\",\"data\":{\"userId\":\"bob\",\"status\":\"online\","
                + "\"lastSeen\":\"2026-12-01T14:05:00.000Z\"}}";
        String carolLeft = "{\"event\":\"presence:update\",\"data\":{\"userId\":\"carol\",\"status\":\"offline\","
                + "\"lastSeen\":\"2026-12-01T14:06:30.250Z\"}}";
        try (FakeGateway server = FakeGateway.start();
             CliSession alice = CliSession.start(ENV, "client", "--url", server.url(), "--user", "alice", "--wait-ms", "0")) {
            alice.type("/status away in a meeting");
            assertEquals(JSON.readTree("{\"event\":\"presence:update\",\"id\":1,"
                    + "\"data\":{\"status\":\"away\",\"customStatus\":\"in a meeting\"}}"), server.nextFrame());
            server.ack(1, "{\"success\":true,\"status\":\"away\",\"customStatus\":\"in a meeting\"}");

            alice.type("/status sleeping"); // refused before sending: the next frame is the next command's
            alice.type("/status busy");
            assertEquals(JSON.readTree("{\"event\":\"presence:update\",\"id\":2,\"data\":{\"status\":\"busy\"}}"),
                    server.nextFrame(), "no custom status: unchanged");
            server.ack(2, "{\"success\":false,\"error\":{\"code\":\"RATE_LIMITED\","
                    + "\"message\":\"presence:update rate limit: 20 per 60 s; retry in 900 ms\",\"retryAfterMs\":900}}");

            alice.type("/status online --clear");
            assertEquals(JSON.readTree("{\"event\":\"presence:update\",\"id\":3,\"data\":{\"status\":\"online\",\"customStatus\":\"\"}}"),
                    server.nextFrame());
            server.ack(3, "{\"success\":true,\"status\":\"online\"}");

            alice.type("/watch bob carol dave");
            assertEquals(JSON.readTree("{\"event\":\"presence:subscribe\",\"id\":4,\"data\":{\"userIds\":[\"bob\",\"carol\",\"dave\"]}}"),
                    server.nextFrame());
            server.ack(4, subscribed);
            alice.awaitOutLine("not visible: dave");
            server.send(bobOnline);
            alice.awaitOutLine("bob is online");
            server.send(carolLeft);
            alice.awaitOutLine("carol is offline (last seen 2026-12-01 14:06:30 UTC)");

            alice.type("/unwatch carol");
            assertEquals(JSON.readTree("{\"event\":\"presence:unsubscribe\",\"id\":5,\"data\":{\"userIds\":[\"carol\"]}}"),
                    server.nextFrame());
            server.ack(5, "{\"success\":true,\"userIds\":[\"carol\"]}");
            alice.awaitOutStartingWith("<< ack 5: ");

            CliRun run = alice.endInputAndAwaitExit();
            assertEquals(0, run.exitCode(), run.toString());
            assertEquals(0, server.unread(), "sent nothing else\n" + run);
            List<String> out = run.out().lines().toList();
            int ack = out.indexOf("<< ack 4: " + subscribed);
            assertTrue(ack >= 0, run.toString());
            assertEquals(List.of("bob is away — \"in a meeting\" (last seen 2026-12-01 14:03:12 UTC)", "carol: never seen",
                    "not visible: dave"), out.subList(ack + 1, ack + 4), run.toString());
            int update = out.indexOf("<< " + bobOnline);
            assertTrue(update >= 0, run.toString());
            assertEquals("bob is online", out.get(update + 1), run.toString());
            assertTrue(out.contains("<< ack 1: {\"success\":true,\"status\":\"away\",\"customStatus\":\"in a meeting\"}"), run.toString());
            assertEquals(List.of("unknown status 'sleeping': one of online, away, busy, offline"
                            + " (usage: /status <online|away|busy|offline> [custom status text | --clear])",
                    "status not set (RATE_LIMITED): presence:update rate limit: 20 per 60 s; retry in 900 ms"),
                    run.err().lines().toList(), run.toString());
        }
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
        assertTrue(run.out().contains("/status <online|away|busy|offline> [text | --clear]") && run.out().contains("/watch <user>")
                && run.out().contains("/unwatch <user>") && run.out().contains("/status away --clear clears it"), run.out());
        assertFalse(run.out().isBlank());
    }

    private static String token(String user) {
        return CliRun.run(ENV, "token", "--user", user).out().strip();
    }

    private static JsonNode frame(String printedLine) throws Exception {
        return JSON.readTree(printedLine.substring("<< ".length()));
    }

    /** The data of ack {@code id} as the session printed it ({@code << ack <id>: {...}}). */
    private static JsonNode ack(CliSession session, long id) throws Exception {
        String prefix = "<< ack " + id + ": ";
        return JSON.readTree(session.awaitOutStartingWith(prefix).substring(prefix.length()));
    }

    /** The data of ack {@code id} in a finished run's output. */
    private static JsonNode ack(CliRun run, long id) {
        String prefix = "<< ack " + id + ": ";
        String line = run.out().lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no ack " + id + "\n" + run));
        try {
            return JSON.readTree(line.substring(prefix.length()));
        } catch (Exception e) {
            throw new AssertionError("ack " + id + " is not JSON: " + line, e);
        }
    }

    /** The chat's stored messages as "sender: content", oldest first, read from Redis. */
    private static List<String> log(String chatId) {
        try (UnifiedJedis redis = REDIS.settings().newClient()) {
            return redis.xrange("msg:{" + chatId + "}:log", "-", "+").stream()
                    .map(StreamEntry::getFields).map(f -> f.get("sender") + ": " + f.get("content")).toList();
        }
    }
}
