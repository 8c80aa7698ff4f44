package io.sup.realtime.gateway.e2e;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.helidon.health.HealthCheckResponse.Status;
import io.sup.realtime.gateway.Main;
import io.sup.realtime.gateway.auth.TestTokens;
import io.sup.realtime.gateway.health.ListenerLiveness;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A gateway at its connection cap stops accepting rather than running out of file
 * descriptors (which would stop Helidon's accept loop for good); its liveness check tells
 * an orchestrator whether the WebSocket port still accepts at all.
 */
class GatewayCapacityTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @Test
    void aGatewayAtItsCapMakesNewcomersWaitUntilAConnectionLeaves() throws Exception {
        int messagingPort = RedisServerExtension.freePort();
        try (ServiceHost messaging = TestSystem.messaging(REDIS, messagingPort);
             Main gateway = TestSystem.gateway(REDIS, messagingPort, "gw-cap", "gateway.max.connections", "2");
             var alice = WsTestClient.connectAs(gateway.port(), TestTokens.access("alice"));
             var bob = WsTestClient.connectAs(gateway.port(), TestTokens.access("bob"))) {
            CompletableFuture<WsTestClient> carol = CompletableFuture.supplyAsync(() -> {
                try {
                    return WsTestClient.connectAs(gateway.port(), TestTokens.access("carol"));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(1_000);
            assertFalse(carol.isDone(), "a third connection was served while two were open");
            assertEquals(200, liveness(gateway), "a full gateway is still live");

            bob.close();
            try (WsTestClient admitted = carol.get()) { // connected: it got its `connected` event
                assertEquals("FORBIDDEN", admitted.request("chat:get-active-members", Map.of("chatId", "none"))
                        .at("/error/code").asText(), "the admitted connection is served");
            }
        }
    }

    @Test
    void livenessFailsWhenTheWebSocketPortRefusesConnections() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        assertEquals(Status.DOWN, new ListenerLiveness(() -> closedPort).call().status());
        try (ServerSocket open = new ServerSocket(0)) {
            assertEquals(Status.UP, new ListenerLiveness(open::getLocalPort).call().status());
        }
    }

    private static int liveness(Main gateway) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gateway.observePort() + "/health/live")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(response.body().contains("websocket-listener"), response.body());
        return response.statusCode();
    }
}
