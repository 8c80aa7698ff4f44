package io.sup.realtime.messaging.grpc;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.sup.realtime.messaging.RunningMessagingService;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.proto.messaging.v1.CreateChatRequest;
import io.sup.realtime.proto.messaging.v1.SendMessageRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.sup.realtime.messaging.RunningMessagingService.caller;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The running service is observable: the standard {@code grpc.health.v1.Health} service
 * reports SERVING for the server and each domain service, Helidon's {@code /health/ready}
 * and the original's {@code /ready} follow Redis (200 when it answers, 503 naming
 * {@code redis} while it is down, 200 again after), and {@code /metrics} serves Prometheus text. While Redis is down, calls fail as UNAVAILABLE.
 */
class ServiceHealthAndMetricsTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static RunningMessagingService service;

    @BeforeAll
    static void start() {
        service = RunningMessagingService.start(REDIS, Map.of());
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void grpcHealthReportsServingForTheServerAndEachDomainService() {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(service.channel())
                .withDeadlineAfter(30, TimeUnit.SECONDS);
        for (String name : List.of("", "sup.messaging.v1.MessagingService", "sup.messaging.v1.ChatAdminService")) {
            HealthCheckResponse response = health.check(HealthCheckRequest.newBuilder().setService(name).build());
            assertEquals(HealthCheckResponse.ServingStatus.SERVING, response.getStatus(), "service '" + name + "'");
        }
        StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class,
                () -> health.check(HealthCheckRequest.newBuilder().setService("sup.nope.v1.Nope").build()));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
    }

    @Test
    void readinessIsUpWithRedis() throws Exception {
        for (String path : List.of("/health/ready", "/ready")) {
            HttpResponse<String> ready = get(path);

            assertEquals(200, ready.statusCode(), path + ": " + ready.body());
            assertTrue(ready.body().contains("\"redis\"") && ready.body().contains("UP"), ready.body());
        }
    }

    @Test
    void metricsAreServedAsPrometheusText() throws Exception {
        HttpResponse<String> metrics = get("/metrics");

        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.headers().firstValue("content-type").orElse("").startsWith("text/plain"),
                metrics.headers().toString());
        assertTrue(metrics.body().contains("# TYPE"), "Prometheus exposition format");
    }

    @Test
    void readinessAndCallsFollowARedisOutage() throws Exception {
        service.admin().createChat(CreateChatRequest.newBuilder().setId("c1").addMemberIds("alice").build());
        SendMessageRequest send = SendMessageRequest.newBuilder().setCaller(caller("alice", "gw1"))
                .setChatId("c1").setContent("hi").build();
        double connectionErrors = metric("redis_errors_total", "kind=\"connection\"");
        REDIS.stop();
        try {
            assertEquals(503, get("/health/ready").statusCode());
            HttpResponse<String> ready = get("/ready");
            assertEquals(503, ready.statusCode());
            assertTrue(ready.body().contains("\"redis\"") && ready.body().contains("DOWN"), ready.body());
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> service.messaging().sendMessage(send));
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
        } finally {
            REDIS.startAgain();
        }
        assertTrue(metric("redis_errors_total", "kind=\"connection\"") > connectionErrors,
                "the outage moved the Redis connection-error counter");
        assertEquals(200, awaitStatus("/health/ready", 200, Duration.ofSeconds(30)));
        assertEquals(1, service.messaging().sendMessage(send).getMessage().getSeq());
    }

    @Test
    void redisLatencyIsRecordedPerScriptAndCommand() throws Exception {
        service.admin().createChat(CreateChatRequest.newBuilder().setId("c2").addMemberIds("bob").build());
        double before = appendSamples();
        service.messaging().sendMessage(SendMessageRequest.newBuilder().setCaller(caller("bob", "gw1"))
                .setChatId("c2").setContent("hi").build());

        assertTrue(appendSamples() >= before + 1, "the append script was timed");
        assertTrue(metric("redis_commands_seconds_bucket", "command=\"PIPELINE\"") > 0,
                "pipelines are timed, as a histogram");
    }

    private static double appendSamples() throws Exception {
        return metric("redis_commands_seconds_count", "command=\"EVALSHA\"", "script=\"append_message.lua\"");
    }

    /** The sum of the Prometheus samples {@code name{...}} that carry every one of {@code tags} ({@code key="value"}). */
    private static double metric(String name, String... tags) throws Exception {
        return get("/metrics").body().lines()
                .filter(line -> line.startsWith(name + "{") && List.of(tags).stream().allMatch(line::contains))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static int awaitStatus(String path, int wanted, Duration within) throws Exception {
        Instant deadline = Instant.now().plus(within);
        int status = get(path).statusCode();
        while (status != wanted && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
            status = get(path).statusCode();
        }
        return status;
    }

    private static HttpResponse<String> get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + service.observePort() + path))
                .timeout(Duration.ofSeconds(30)).GET().build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
