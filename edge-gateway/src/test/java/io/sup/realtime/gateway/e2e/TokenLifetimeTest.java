package io.sup.realtime.gateway.e2e;

import java.time.Instant;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
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
 * A connection lives as long as its token: {@code auth:expiring} comes before {@code exp},
 * the connection closes with 4440 at {@code exp} plus the leeway, and {@code auth:refresh}
 * with a new token of the same user keeps it open; another user's token is refused and the
 * old expiry stands. Both wire protocols.
 */
class TokenLifetimeTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();
    private static final long LEEWAY_MS = 500;
    private static final long WARNING_MS = 2_000;

    private static ServiceHost messaging;
    private static Main gateway;

    @BeforeAll
    static void startSystem() {
        messaging = TestSystem.messaging(REDIS, 0);
        gateway = TestSystem.gateway(REDIS, messaging.grpcPort(), "gw-tok",
                "jwt.leeway.ms", String.valueOf(LEEWAY_MS), "jwt.expiry.warning.ms", String.valueOf(WARNING_MS));
    }

    @AfterAll
    static void stopSystem() {
        gateway.close();
        messaging.close();
    }

    /** An {@code exp} about 3 s from now, in ms (JWT times are whole seconds). */
    private static long expInThreeSeconds() {
        return Instant.now().plusSeconds(3).getEpochSecond() * 1000;
    }

    /**
     * Waits until the gateway has passed the moment a token with {@code exp} would close its
     * connection: a marker connection whose token expires a second later, never refreshed,
     * is closed by the gateway's own timer (4440), so the earlier one has fired too, had it
     * still been armed.
     */
    private static void awaitPastTheExpiryOf(long exp) throws Exception {
        try (WsTestClient marker = WsTestClient.connectAs(gateway.port(), tokenExpiringAt("marker", exp + 1_000))) {
            assertEquals(4440, marker.awaitClose());
        }
    }

    private static String tokenExpiringAt(String user, long expMs) {
        return TestTokens.sign(TestTokens.base(user).expirationTime(Instant.ofEpochMilli(expMs)).build(), TestTokens.SECRET);
    }

    @Test
    void theClientIsWarnedThenClosedWith4440AtExpiry() throws Exception {
        long exp = expInThreeSeconds();
        WsTestClient client = WsTestClient.connectAs(gateway.port(), tokenExpiringAt("alice", exp));

        JsonNode warning = client.awaitEvent("auth:expiring");
        assertEquals(exp, warning.path("expiresAt").asLong(), warning.toString());
        assertTrue(warning.path("expiresInMs").asLong() <= WARNING_MS, warning.toString());
        JsonNode error = client.awaitEvent("error");
        assertEquals("UNAUTHENTICATED", error.path("code").asText(), error.toString());
        assertEquals("token expired: refresh and reconnect", error.path("message").asText());
        assertEquals(4440, client.awaitClose());
        assertTrue(System.currentTimeMillis() >= exp + LEEWAY_MS, "closed before exp + leeway");
    }

    @Test
    void aRefreshWithANewTokenOfTheSameUserKeepsTheConnection() throws Exception {
        long exp = expInThreeSeconds();
        WsTestClient client = WsTestClient.connectAs(gateway.port(), tokenExpiringAt("alice", exp));
        client.awaitEvent("auth:expiring");

        JsonNode ack = client.request("auth:refresh", Map.of("token", TestTokens.access("alice")));
        assertTrue(ack.path("success").asBoolean(), ack.toString());
        assertTrue(ack.path("expiresAt").asLong() > exp + 3_000_000, ack.toString());

        awaitPastTheExpiryOf(exp);
        // Past the old token's expiry the connection still answers.
        JsonNode again = client.request("auth:refresh", Map.of("token", TestTokens.access("alice")));
        assertTrue(again.path("success").asBoolean(), again.toString());
        assertTrue(client.isOpen());
        client.close();
    }

    @Test
    void aRefreshWithAnotherUsersTokenIsRefusedAndTheOldExpiryStands() throws Exception {
        long exp = expInThreeSeconds();
        WsTestClient client = WsTestClient.connectAs(gateway.port(), tokenExpiringAt("alice", exp));

        JsonNode ack = client.request("auth:refresh", Map.of("token", TestTokens.access("mallory")));
        assertEquals("FORBIDDEN", ack.path("error").path("code").asText(), ack.toString());
        JsonNode invalid = client.request("auth:refresh", Map.of("token", "not-a-token"));
        assertEquals("UNAUTHENTICATED", invalid.path("error").path("code").asText(), invalid.toString());

        assertEquals(4440, client.awaitClose());
        assertTrue(System.currentTimeMillis() >= exp + LEEWAY_MS, "closed before exp + leeway");
    }

    @Test
    void refreshesPastTenAMinuteAreRateLimitedAndTheConnectionKeepsItsToken() throws Exception {
        long exp = expInThreeSeconds();
        WsTestClient client = WsTestClient.connectAs(gateway.port(), tokenExpiringAt("erin", exp));
        for (int i = 0; i < 10; i++) {
            assertTrue(client.request("auth:refresh", Map.of("token", tokenExpiringAt("erin", exp))).path("success").asBoolean());
        }
        JsonNode refused = client.request("auth:refresh", Map.of("token", TestTokens.access("erin")));
        assertEquals("RATE_LIMITED", refused.path("error").path("code").asText(), refused.toString());
        long retryAfter = refused.path("error").path("retryAfterMs").asLong();
        assertTrue(retryAfter > 0 && retryAfter <= 60_000, refused.toString());
        // The refused token (valid for an hour) did not replace the expiring one.
        assertEquals(4440, client.awaitClose());
    }

    @Test
    void socketIoClientsGetTheWarningThenDisconnectThen4440() throws Exception {
        long exp = expInThreeSeconds();
        WsTestClient client = WsTestClient.socketIoAs(gateway.port(), tokenExpiringAt("alice", exp));

        String warning = client.awaitRaw("42[\"auth:expiring\"");
        assertTrue(warning.contains("\"expiresAt\":" + exp), warning);
        assertTrue(client.awaitRaw("42[\"error\"").contains("token expired: refresh and reconnect"));
        client.awaitRaw("41");
        assertEquals(4440, client.awaitClose());
    }

    @Test
    void socketIoClientsRefreshWithAnAckedEvent() throws Exception {
        long exp = expInThreeSeconds();
        WsTestClient client = WsTestClient.socketIoAs(gateway.port(), tokenExpiringAt("alice", exp));
        client.sendText("425[\"auth:refresh\",{\"token\":\"" + TestTokens.access("alice") + "\"}]");
        String ack = client.awaitRaw("435[");
        assertTrue(ack.contains("\"success\":true") && ack.contains("\"expiresAt\":"), ack);

        awaitPastTheExpiryOf(exp);
        client.sendText("426[\"auth:refresh\",{\"token\":\"" + TestTokens.access("alice") + "\"}]");
        assertTrue(client.awaitRaw("436[").contains("\"success\":true"));
        assertTrue(client.rawFrames().stream().noneMatch(f -> f.equals("41")), client.rawFrames().toString());
        client.close();
    }
}
