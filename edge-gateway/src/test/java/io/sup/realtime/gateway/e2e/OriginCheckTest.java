package io.sup.realtime.gateway.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.concurrent.CompletionException;

import io.sup.realtime.gateway.Main;
import io.sup.realtime.gateway.auth.TestTokens;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@code CORS_ORIGIN} at the WebSocket upgrade, both endpoints: a listed Origin upgrades
 * (101), another is refused (403), a request without Origin (a non-browser client) upgrades
 * unless {@code CORS_ALLOW_MISSING_ORIGIN=false}, and {@code *} allows any.
 */
class OriginCheckTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    private static final String APP = "https://app.example.com";

    private static ServiceHost messaging;
    private static Main listed;
    private static Main strict;
    private static Main any;

    @BeforeAll
    static void startSystem() {
        messaging = TestSystem.messaging(REDIS, 0);
        // Written as an operator might: browsers send lower case and no default port.
        listed = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-origin", "cors.origin",
                "HTTPS://App.Example.com:443, https://other.example.com");
        strict = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-origin-strict", "cors.origin", APP,
                "cors.allow.missing.origin", "false");
        any = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-origin-any");
    }

    @AfterAll
    static void stopSystem() {
        listed.close();
        strict.close();
        any.close();
        messaging.close();
    }

    /** Upgrades {@code path} on {@code gateway} with {@code origin} (null: none); returns the socket. */
    private static WebSocket upgrade(Main gateway, String path, String origin) {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
        if (origin != null) {
            builder.header("Origin", origin);
        }
        return builder.buildAsync(URI.create("ws://localhost:" + gateway.port() + path), new WebSocket.Listener() { })
                .join();
    }

    private static int refusedStatus(Main gateway, String path, String origin) {
        CompletionException e = assertThrows(CompletionException.class, () -> upgrade(gateway, path, origin));
        return assertInstanceOf(WebSocketHandshakeException.class, e.getCause()).getResponse().statusCode();
    }

    private static final String NATIVE = "/ws?token=" + TestTokens.access("alice");
    private static final String SOCKET_IO = "/socket.io/?EIO=4&transport=websocket";

    @Test
    void aListedOriginUpgradesOnBothEndpoints() {
        upgrade(listed, NATIVE, APP).abort();
        upgrade(listed, SOCKET_IO, "https://other.example.com").abort();
    }

    @Test
    void anotherOriginIsRefusedWith403() {
        assertEquals(403, refusedStatus(listed, NATIVE, "https://evil.example.com"));
        assertEquals(403, refusedStatus(listed, SOCKET_IO, "http://app.example.com"));
    }

    @Test
    void aRequestWithoutOriginIsANonBrowserClientAndUpgradesUnlessConfiguredOtherwise() {
        upgrade(listed, NATIVE, null).abort();
        assertEquals(403, refusedStatus(strict, NATIVE, null));
        assertEquals(403, refusedStatus(strict, SOCKET_IO, null));
        upgrade(strict, NATIVE, APP).abort();
    }

    @Test
    void starAllowsAnyOrigin() {
        upgrade(any, NATIVE, "https://anything.example.net").abort();
        upgrade(any, SOCKET_IO, null).abort();
    }
}
