package io.sup.realtime.gateway.e2e;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
        try (ServiceHost messaging = TestSystem.messaging(REDIS, 0);
             Main gateway = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-cap", "gateway.max.connections", "2");
             var alice = WsTestClient.connectAs(gateway.port(), TestTokens.access("alice"));
             var bob = WsTestClient.connectAs(gateway.port(), TestTokens.access("bob"))) {
            CompletableFuture<WsTestClient> carol = CompletableFuture.supplyAsync(() -> {
                try {
                    return WsTestClient.connectAs(gateway.port(), TestTokens.access("carol"));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            // Carol's TCP handshake is done (the kernel queued her connection) but the gateway
            // does not accept it while two are open.
            awaitAcceptQueue(gateway.port(), 1);
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

    /**
     * Waits until at least {@code n} connections wait in the accept queue of the socket
     * listening on {@code port}: for a listening socket, Linux reports the accept queue's
     * length as its rx_queue in /proc/net/tcp and /proc/net/tcp6.
     */
    private static void awaitAcceptQueue(int port, int n) throws Exception {
        String localPort = String.format(":%04X", port);
        Instant deadline = Instant.now().plusSeconds(30);
        while (true) {
            int waiting = 0;
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 4 && f[1].endsWith(localPort) && f[3].equals("0A")) { // 0A: LISTEN
                        waiting += Integer.parseInt(f[4].substring(f[4].indexOf(':') + 1), 16);
                    }
                }
            }
            if (waiting >= n) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(waiting + " connections wait to be accepted on port " + port + ", not " + n);
            }
            Thread.sleep(20);
        }
    }

    private static int liveness(Main gateway) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gateway.observePort() + "/health/live")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(response.body().contains("websocket-listener"), response.body());
        return response.statusCode();
    }
}
