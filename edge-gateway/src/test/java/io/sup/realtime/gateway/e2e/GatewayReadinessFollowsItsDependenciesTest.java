package io.sup.realtime.gateway.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sup.realtime.gateway.Main;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.platform.testing.RedisServerExtension;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A gateway's readiness, for real: with its Redis, its delivery inbox and the gRPC services
 * it waits for (here messaging and presence, real services) it answers 200 on
 * {@code /health/ready} and on the original's {@code /ready}; stopping messaging-service
 * makes both 503 naming {@code grpc-messaging} (presence stays UP), starting it again on
 * its port makes them 200; stopping Redis makes them 503 naming {@code redis} and
 * {@code delivery-inbox}, until it is back. Liveness stays 200 throughout.
 */
class GatewayReadinessFollowsItsDependenciesTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private int messagingPort;
    private ServiceHost messaging;
    private ServiceHost presence;
    private Main gateway;

    @BeforeEach
    void start() {
        messagingPort = RedisServerExtension.freePort();
        messaging = TestSystem.messaging(REDIS, messagingPort);
        presence = TestSystem.presence(REDIS, messagingPort);
        // Probes every 100 ms (deadline 2 s): three failures in a row take well under a second.
        gateway = TestSystem.gateway(REDIS, messagingPort, "gw-ready",
                "presence.grpc.target", "localhost:" + presence.grpcPort(),
                "gateway.readiness.services", "messaging,presence",
                "gateway.readiness.probe.interval.ms", "100", "gateway.readiness.probe.timeout.ms", "2000");
    }

    @AfterEach
    void stop() {
        gateway.close();
        presence.close();
        if (messaging != null) {
            messaging.close();
        }
    }

    @Test
    void readyWithEveryDependencyAndOnBothPaths() throws Exception {
        JsonNode ready = awaitStatus("/health/ready", 200);
        assertEquals(Map.of("redis", "UP", "delivery-inbox", "UP", "grpc-messaging", "UP", "grpc-presence", "UP"),
                checks(ready));
        assertEquals(Map.of("redis", "UP", "delivery-inbox", "UP", "grpc-messaging", "UP", "grpc-presence", "UP"),
                checks(awaitStatus("/ready", 200)));
        assertEquals(200, get("/health/live").statusCode());
        assertEquals(200, get("/health").statusCode());
    }

    @Test
    void aStoppedServiceMakesItNotReadyNamingItThenReadyAgain() throws Exception {
        awaitStatus("/health/ready", 200);

        messaging.close();
        messaging = null;
        JsonNode down = awaitStatus("/ready", 503);
        assertEquals("DOWN", checks(down).get("grpc-messaging"), down.toString());
        assertEquals("UP", checks(down).get("grpc-presence"), down.toString());
        assertEquals("UP", checks(down).get("redis"), down.toString());
        assertEquals("DOWN", checks(awaitStatus("/health/ready", 503)).get("grpc-messaging"));
        assertEquals(200, get("/health/live").statusCode(), "not ready is not dead");

        messaging = TestSystem.messaging(REDIS, messagingPort);
        JsonNode up = awaitStatus("/ready", 200);
        assertEquals("UP", checks(up).get("grpc-messaging"), up.toString());
    }

    @Test
    void redisDownMakesItNotReadyNamingRedisAndTheInbox() throws Exception {
        awaitStatus("/health/ready", 200);

        REDIS.stop();
        try {
            JsonNode down = awaitStatus("/health/ready", 503);
            assertEquals("DOWN", checks(down).get("redis"), down.toString());
            awaitCheck("/health/ready", "delivery-inbox", "DOWN");
        } finally {
            REDIS.startAgain();
        }
        awaitStatus("/health/ready", 200);
    }

    /** Each check's name and status in a Helidon health answer. */
    private static Map<String, String> checks(JsonNode health) {
        Map<String, String> byName = new HashMap<>();
        health.path("checks").forEach(check -> byName.put(check.path("name").asText(), check.path("status").asText()));
        return byName;
    }

    private JsonNode awaitStatus(String path, int wanted) throws Exception {
        HttpResponse<String> response = Awaitility.await(path + " answering " + wanted).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                .until(() -> get(path), r -> r.statusCode() == wanted);
        return JSON.readTree(response.body());
    }

    private void awaitCheck(String path, String check, String status) {
        Awaitility.await(check + " " + status).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> checks(JSON.readTree(get(path).body())).get(check), status::equals);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.observePort() + path))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
