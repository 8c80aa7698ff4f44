package io.sup.realtime.gateway.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sup.realtime.gateway.Main;
import io.sup.realtime.gateway.auth.TestTokens;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Socket.IO at the frame level against the real system: the Engine.IO handshake, CONNECT
 * with a token, events with acks, heartbeats, refusals and malformed packets, and a
 * Socket.IO client and a native client talking in one chat. (The npm socket.io-client suite
 * under src/test/socketio drives the same endpoint with the real client library.)
 */
class SocketIoEndToEndTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ServiceHost messaging;
    private static Main gateway;
    /** Short Engine.IO timers for the heartbeat tests only: a ping every 300 ms, 5 s for the answer. */
    private static Main pinging;

    @BeforeAll
    static void startSystem() {
        messaging = TestSystem.messaging(REDIS, 0);
        gateway = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-sio");
        pinging = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-sio-ping",
                "socketio.ping.interval", "300", "socketio.ping.timeout", "5000");
    }

    @AfterAll
    static void stopSystem() {
        gateway.close();
        pinging.close();
        messaging.close();
    }

    private static void chat(String id, String... members) {
        TestSystem.createChat(messaging.grpcPort(), id, members);
    }

    private static WsTestClient engine() throws InterruptedException {
        return engine(gateway);
    }

    private static WsTestClient engine(Main on) throws InterruptedException {
        WsTestClient client = WsTestClient.connect(on.port(), "/socket.io/?EIO=4&transport=websocket", Map.of());
        String open = client.awaitRaw("0{");
        assertTrue(open.contains("\"upgrades\":[]") && open.contains("\"pingInterval\":" + (on == pinging ? 300 : 25000)), open);
        return client;
    }

    private static WsTestClient connected(String user) throws Exception {
        return connected(gateway, user);
    }

    private static WsTestClient connected(Main on, String user) throws Exception {
        WsTestClient client = engine(on);
        client.sendText("40{\"token\":\"" + TestTokens.access(user) + "\"}");
        assertTrue(client.awaitRaw("40").startsWith("40{\"sid\":\"" + on.instanceId() + "."));
        client.awaitRaw("42[\"connected\"");
        return client;
    }

    private static JsonNode ackData(String frame) throws Exception {
        return JSON.readTree(frame.substring(frame.indexOf('['))).get(0);
    }

    @Test
    void connectEmitWithAckAndDeliveryToANativeClient() throws Exception {
        chat("s1", "alice", "bob");
        try (var alice = connected("alice");
             var bob = WsTestClient.connectAs(gateway.port(), TestTokens.access("bob"))) {
            alice.sendText("427[\"message:new\",{\"chatId\":\"s1\",\"content\":\"from socket.io\",\"tempId\":\"t1\"}]");
            JsonNode ack = ackData(alice.awaitRaw("437["));
            assertTrue(ack.get("success").asBoolean(), ack.toString());
            assertEquals("from socket.io", bob.awaitEvent("message:new").get("content").asText());

            bob.request("message:new", Map.of("chatId", "s1", "content", "from native"));
            String event = alice.awaitRaw("42[\"message:new\"");
            assertEquals("from native", JSON.readTree(event.substring(2)).get(1).get("content").asText());
        }
    }

    @Test
    void badTokenGetsConnectErrorAndMayTryAgain() throws Exception {
        try (var client = engine()) {
            client.sendText("40{\"token\":\"nope\"}");
            assertEquals("44{\"message\":\"malformed token\",\"data\":{\"code\":\"UNAUTHENTICATED\"}}", client.awaitRaw("44"));
            client.sendText("40{\"token\":\"" + TestTokens.access("carol") + "\"}");
            client.awaitRaw("40{\"sid\"");
        }
    }

    @Test
    void unknownNamespaceEventsBeforeConnectAndMalformedPacketsAreRefused() throws Exception {
        try (var client = engine()) {
            client.sendText("40/admin,{\"token\":\"x\"}");
            assertEquals("44/admin,{\"message\":\"Invalid namespace\"}", client.awaitRaw("44/admin"));
            client.sendText("42[\"message:new\",{}]");
            assertTrue(client.awaitRaw("42[\"error\"").contains("send CONNECT before events"));
        }
        try (var client = connected("dave")) {
            client.sendText("451-[\"upload\",{\"_placeholder\":true,\"num\":0}]");
            assertTrue(client.awaitRaw("42[\"error\"").contains("binary packets are not supported"));
            client.sendText("42{not json");
            assertTrue(client.awaitRaw("42[\"error\"").contains("INVALID_ARGUMENT"));
            client.sendText("423[\"notification:read\",{\"notificationId\":\"n1\"}]");
            assertEquals("UNAVAILABLE", ackData(client.awaitRaw("433[")).at("/error/code").asText(),
                    "no notification-service behind this gateway");
        }
    }

    @Test
    void serverPingsAndAPongingClientOutlivesThePingTimeout() throws Exception {
        try (var client = connected(pinging, "erin")) {
            // Answered pings past interval + timeout (19 x 300 ms > 300 + 5000 ms): had the
            // pongs not counted as life, the connection would have been closed before the last.
            for (int i = 0; i < 19; i++) {
                assertEquals("2", client.awaitRaw("2"));
                client.sendText("3");
            }
            assertTrue(client.isOpen(), "closed although it answered every ping");
            client.sendText("424[\"chat:join\",{\"chatId\":\"none\"}]");
            assertEquals("FORBIDDEN", ackData(client.awaitRaw("434[")).at("/error/code").asText());
        }
    }

    @Test
    void aClientThatNeverAnswersPingsIsClosedWith4001AndNoDisconnectPacket() throws Exception {
        try (var mute = connected(pinging, "mute")) {
            assertEquals(4001, mute.awaitClose());
            // The transport is closed, the session not ended: socket.io-client reconnects by itself.
            assertTrue(mute.rawFrames().stream().noneMatch(f -> f.startsWith("41")), mute.rawFrames().toString());
        }
    }

    @Test
    void longPollingIsRefusedWithEngineIoError() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://localhost:" + gateway.port() + "/socket.io/?EIO=4&transport=polling")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, response.statusCode());
        JsonNode body = JSON.readTree(response.body());
        assertEquals(0, body.get("code").asInt());
        assertTrue(body.get("message").asText().contains("websocket"), body.toString());
    }
}
