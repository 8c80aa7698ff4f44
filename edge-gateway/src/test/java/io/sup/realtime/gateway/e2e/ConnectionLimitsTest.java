package io.sup.realtime.gateway.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.sup.realtime.gateway.Main;
import io.sup.realtime.gateway.auth.TestTokens;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.platform.testing.RedisClock;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connection limits on two real gateway instances sharing one Redis: attempts per user
 * (shared by both instances), per client address (the TCP peer, or a trusted proxy's
 * {@code X-Forwarded-For}), the exemption of configured addresses, and the bound on a user's
 * open connections. Each refusal is the protocol's refusal frame with {@code RATE_LIMITED}
 * and {@code retryAfterMs}, then close code 4429.
 */
class ConnectionLimitsTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static ServiceHost messaging;
    private final List<Main> gateways = new ArrayList<>();
    private final List<WsTestClient> clients = new ArrayList<>();

    @BeforeAll
    static void startMessaging() {
        messaging = TestSystem.messaging(REDIS, 0);
    }

    @AfterAll
    static void stopMessaging() {
        messaging.close();
    }

    @AfterEach
    void stopGateways() {
        clients.forEach(WsTestClient::close);
        gateways.forEach(Main::close);
    }

    /** A gateway with no exemption and these overrides. */
    private Main gateway(String instance, String... overrides) {
        String[] all = new String[overrides.length + 2];
        all[0] = "rate.limit.exempt.addresses";
        all[1] = "";
        System.arraycopy(overrides, 0, all, 2, overrides.length);
        Main gateway = TestSystem.gateway(REDIS, messaging.grpcPort(), instance, all);
        gateways.add(gateway);
        return gateway;
    }

    private WsTestClient open(Main on, String query, Map<String, String> headers) {
        WsTestClient client = WsTestClient.connect(on.port(), "/ws" + query, headers);
        clients.add(client);
        return client;
    }

    private WsTestClient connectAs(Main on, String user) throws InterruptedException {
        WsTestClient client = open(on, "?token=" + TestTokens.access(user), Map.of());
        client.awaitEvent("connected");
        return client;
    }

    /** Asserts that {@code client} is told RATE_LIMITED (with a retry hint within {@code window}) and closed with 4429. */
    private static long assertRefused(WsTestClient client, long window) throws Exception {
        JsonNode error = client.awaitEvent("error");
        assertEquals("RATE_LIMITED", error.path("code").asText(), error.toString());
        long retryAfter = error.path("retryAfterMs").asLong();
        assertTrue(retryAfter > 0 && retryAfter <= window, error.toString());
        assertEquals(4429, client.awaitClose());
        return retryAfter;
    }

    @Test
    void attemptsPerUserAreCountedAcrossInstancesAndOtherUsersAreUnaffected() throws Exception {
        String[] limits = {"rate.limit.max.connections", "3", "rate.limit.connection.window", "60000",
                "rate.limit.address.max.connections", "0"};
        Main a = gateway("gw-la", limits);
        Main b = gateway("gw-lb", limits);
        connectAs(a, "alice").close();
        connectAs(b, "alice").close();
        connectAs(a, "alice").close();

        WsTestClient fourth = open(b, "?token=" + TestTokens.access("alice"), Map.of());
        assertRefused(fourth, 60_000);
        connectAs(a, "bob"); // another user has a budget of its own
    }

    @Test
    void attemptsAreAdmittedAgainOnceTheWindowHasPassed() throws Exception {
        Main a = gateway("gw-lw", "rate.limit.max.connections", "1", "rate.limit.connection.window", "1500",
                "rate.limit.address.max.connections", "0");
        connectAs(a, "alice").close();
        long retryAfter = assertRefused(open(a, "?token=" + TestTokens.access("alice"), Map.of()), 1_500);
        // The hint is enough: once that long has passed on the limiter's clock (Redis's), the user is admitted.
        try (UnifiedJedis redis = REDIS.settings().newClient()) {
            RedisClock.awaitElapsed(redis, retryAfter);
        }
        connectAs(a, "alice");
    }

    @Test
    void socketIoClientsGetConnectErrorWithTheRetryHintThen4429() throws Exception {
        Main a = gateway("gw-lsio", "rate.limit.max.connections", "1", "rate.limit.address.max.connections", "0");
        connectAs(a, "alice").close();
        WsTestClient client = WsTestClient.socketIoOpen(a.port());
        clients.add(client);
        client.sendText("40{\"token\":\"" + TestTokens.access("alice") + "\"}");
        String refusal = client.awaitRaw("44");
        assertTrue(refusal.contains("\"code\":\"RATE_LIMITED\"") && refusal.contains("\"retryAfterMs\":"), refusal);
        assertEquals(4429, client.awaitClose());
    }

    @Test
    void attemptsPerAddressAreLimitedBeforeAuthentication() throws Exception {
        Main a = gateway("gw-laddr", "rate.limit.address.max.connections", "2", "rate.limit.max.connections", "0");
        open(a, "", Map.of());
        open(a, "", Map.of());
        assertRefused(open(a, "", Map.of()), 60_000);
    }

    @Test
    void configuredAddressesAreExemptFromAttemptLimits() throws Exception {
        Main a = gateway("gw-lex", "rate.limit.exempt.addresses", "127.0.0.0/8,::1",
                "rate.limit.max.connections", "1", "rate.limit.address.max.connections", "1");
        for (int i = 0; i < 4; i++) {
            connectAs(a, "alice").close();
        }
    }

    @Test
    void aTrustedProxysForwardedForNamesTheClient() throws Exception {
        Main a = gateway("gw-lxff", "gateway.trusted.proxies", "loopback",
                "rate.limit.address.max.connections", "1", "rate.limit.max.connections", "0");
        open(a, "", Map.of("X-Forwarded-For", "203.0.113.7"));
        // A client cannot escape by prepending an address: the proxy's own entry comes last.
        assertRefused(open(a, "", Map.of("X-Forwarded-For", "198.51.100.1, 203.0.113.7")), 60_000);
        open(a, "?token=" + TestTokens.access("bob"), Map.of("X-Forwarded-For", "203.0.113.8")).awaitEvent("connected");
    }

    @Test
    void forwardedForFromAnUntrustedPeerIsIgnored() throws Exception {
        Main a = gateway("gw-lnoxff", "rate.limit.address.max.connections", "1", "rate.limit.max.connections", "0");
        open(a, "", Map.of("X-Forwarded-For", "203.0.113.7"));
        assertRefused(open(a, "", Map.of("X-Forwarded-For", "203.0.113.8")), 60_000);
    }

    @Test
    void aUserHoldsAtMostTheConfiguredOpenConnectionsOnAllInstances() throws Exception {
        String[] limits = {"gateway.user.max.connections", "2", "rate.limit.exempt.addresses", "loopback"};
        Main a = gateway("gw-lopa", limits);
        Main b = gateway("gw-lopb", limits);
        WsTestClient first = connectAs(a, "alice");
        connectAs(b, "alice");

        WsTestClient third = open(a, "?token=" + TestTokens.access("alice"), Map.of());
        JsonNode error = third.awaitEvent("error");
        assertEquals("RATE_LIMITED", error.path("code").asText(), error.toString());
        assertTrue(error.path("message").asText().contains("open connections"), error.toString());
        assertEquals(4429, third.awaitClose());

        first.close();
        // The close frees a place as soon as the gateway has seen it (well before the 30 s an
        // unreleased entry would take to expire).
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            WsTestClient again = open(b, "?token=" + TestTokens.access("alice"), Map.of());
            JsonNode answer = again.await(f -> WsTestClient.isEvent("connected").or(WsTestClient.isEvent("error")).test(f));
            return "connected".equals(answer.path("event").asText());
        });
    }
}
