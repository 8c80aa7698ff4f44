package io.sup.realtime.tools;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sup.realtime.platform.config.Settings;
import io.sup.realtime.platform.service.ServiceHost;
import io.sup.realtime.platform.testing.RedisServerExtension;
import io.sup.realtime.tools.health.HealthCommand;
import io.sup.realtime.tools.health.HealthTarget;
import io.sup.realtime.tools.health.TargetHealth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code sup health} against the real system: the five services started in this JVM from
 * their own {@code Main}s (each with its gRPC server and its Helidon observe port, readiness
 * tied to a real Redis), the gateway wired to the four others. Everything up is exit 0 and
 * a table naming each; Redis really stopped makes every service not ready (exit 3) naming the
 * {@code redis} check; a port nothing listens on, or one that is not a health endpoint, is
 * unreachable (exit 4).
 *
 * <p>Requests get a 30 s timeout: a loaded machine makes a run slower, never a verdict
 * different.
 */
class HealthCommandAgainstRunningServicesTest {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SERVICES = List.of("edge-gateway", "messaging-service", "presence-service",
            "call-signaling-service", "notification-service");

    private static final List<AutoCloseable> RUNNING = new ArrayList<>();
    private static io.sup.realtime.gateway.Main gateway;
    /** The options that point {@code sup health} at this test's services. */
    private static List<String> at;

    @BeforeAll
    static void startEveryService() {
        String redis = REDIS.url().toString();
        ServiceHost messaging = started(io.sup.realtime.messaging.Main.start(settings("messaging-service", redis)));
        ServiceHost presence = started(io.sup.realtime.presence.Main.start(settings("presence-service", redis,
                "messaging.grpc.target", "localhost:" + messaging.grpcPort())));
        ServiceHost calls = started(io.sup.realtime.calls.Main.start(settings("call-signaling-service", redis,
                "presence.grpc.target", "localhost:" + presence.grpcPort())));
        ServiceHost notifications = started(io.sup.realtime.notification.Main.start(settings("notification-service", redis,
                "messaging.grpc.target", "localhost:" + messaging.grpcPort(),
                "calls.grpc.target", "localhost:" + calls.grpcPort())));
        gateway = started(io.sup.realtime.gateway.Main.start(Settings.of("edge-gateway", Map.of(
                "port", "0", "metrics.port", "0", "gateway.admin.grpc.port", "0", "redis.url", redis,
                "jwt.secret", "test-secret-that-is-long-enough-for-hs256", "gateway.instance.id", "gw-health",
                "messaging.grpc.target", "localhost:" + messaging.grpcPort(),
                "presence.grpc.target", "localhost:" + presence.grpcPort(),
                "calls.grpc.target", "localhost:" + calls.grpcPort(),
                "notifications.grpc.target", "localhost:" + notifications.grpcPort()))));
        at = List.of("--gateway", observe(gateway.observePort()), "--messaging", observe(messaging.observePort()),
                "--presence", observe(presence.observePort()), "--calls", observe(calls.observePort()),
                "--notifications", observe(notifications.observePort()), "--timeout-ms", "30000");
    }

    @AfterAll
    static void stopEveryService() throws Exception {
        for (AutoCloseable service : RUNNING.reversed()) {
            service.close();
        }
    }

    @Test
    void everythingUpIsExitZeroWithATableNamingEveryServiceAndRedis() {
        CliRun run = health("--redis", REDIS.url().toString());

        assertEquals(0, run.exitCode(), run.toString());
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.getFirst().matches("SERVICE +URL +LIVE +READY +LATENCY +FAILING"), lines.getFirst());
        for (String service : SERVICES) {
            assertTrue(lines.stream().anyMatch(l -> l.matches(service + " +http://localhost:\\d+ +UP +UP +\\d+ ms +-")),
                    service + " up in\n" + run.out());
        }
        assertTrue(lines.stream().anyMatch(l -> l.matches("redis +redis://127\\.0\\.0\\.1:\\d+ +UP +UP +\\d+ ms +-")), run.out());
        assertEquals("all 6 up", lines.getLast());
    }

    @Test
    void redisStoppedMakesEveryServiceNotReadyNamingTheRedisCheck() throws Exception {
        CliRun table;
        CliRun json;
        CliRun withRedis;
        REDIS.stop();
        try {
            table = health();
            json = health("--json");
            withRedis = health("--redis", REDIS.url().toString());
        } finally {
            REDIS.startAgain();
        }
        awaitEverythingUp();

        assertEquals(HealthCommand.EXIT_DOWN, table.exitCode(), table.toString());
        for (String service : SERVICES) {
            assertTrue(table.out().lines().anyMatch(l -> l.matches(service + " +\\S+ +UP +DOWN +\\d+ ms +.*ready: redis.*")),
                    service + " not ready because of redis in\n" + table.out());
            assertTrue(table.out().lines().toList().getLast().contains(service + " not ready"), table.out());
        }

        assertEquals(HealthCommand.EXIT_DOWN, json.exitCode(), json.toString());
        JsonNode report = JSON.readTree(json.out());
        assertEquals("DOWN", report.get("status").asText());
        assertEquals(5, report.get("targets").size());
        for (JsonNode target : report.get("targets")) {
            assertEquals("DOWN", target.get("status").asText(), target.toString());
            assertEquals("DOWN", target.get("ready").asText(), target.toString());
            assertTrue(names(target.get("failing")).contains("redis"), target.toString());
        }

        assertEquals(HealthCommand.EXIT_UNREACHABLE, withRedis.exitCode(), "Redis itself does not answer: " + withRedis);
        assertTrue(withRedis.out().lines().anyMatch(l -> l.startsWith("redis ") && l.contains("unreachable: no Redis answers")),
                withRedis.out());
    }

    @Test
    void aServiceThatIsNotRunningIsUnreachableAndTheOthersStillChecked() {
        int nothing = RedisServerExtension.freePort();
        CliRun run = health("--presence", "http://127.0.0.1:" + nothing);

        assertEquals(HealthCommand.EXIT_UNREACHABLE, run.exitCode(), run.toString());
        assertTrue(run.out().lines().anyMatch(l -> l.matches(
                "presence-service +http://127\\.0\\.0\\.1:" + nothing + " +- +- +- +unreachable: connection refused.*")), run.out());
        assertTrue(run.out().lines().anyMatch(l -> l.matches("messaging-service +\\S+ +UP +UP .*")), run.out());
        assertEquals("1 of 5 not up: presence-service unreachable", run.out().lines().toList().getLast());
    }

    @Test
    void aPortThatIsNotAHealthEndpointIsUnreachable() {
        // The gateway's WebSocket port answers HTTP, but has no /health/live.
        CliRun run = health("--gateway", "http://localhost:" + gateway.port());

        assertEquals(HealthCommand.EXIT_UNREACHABLE, run.exitCode(), run.toString());
        assertTrue(run.out().lines().anyMatch(l -> l.startsWith("edge-gateway ")
                && l.contains("unreachable: HTTP 404 from /health/live (not a health endpoint?)")), run.out());
    }

    @Test
    void anEndpointThatTricklesOrFloodsItsBodyIsCutOff() throws Exception {
        // 200 and headers at once, then a byte now and then forever; and a 2 MB "health" answer.
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/trickle/", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (var body = exchange.getResponseBody()) {
                for (int i = 0; i < 600; i++) {
                    body.write('{');
                    body.flush();
                    Thread.sleep(200);
                }
            } catch (InterruptedException | java.io.IOException closed) {
                // the probe gave up and closed the connection
            }
        });
        server.createContext("/flood/", exchange -> {
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) ' ');
            exchange.sendResponseHeaders(200, 0);
            try (var body = exchange.getResponseBody()) {
                for (int i = 0; i < 32; i++) {
                    body.write(chunk);
                }
            } catch (java.io.IOException closed) {
                // the probe stopped reading at its cap
            }
        });
        // A check whose name carries terminal escapes and a line break, to forge a row.
        server.createContext("/forger/", exchange -> {
            byte[] json = "{\"status\":\"DOWN\",\"checks\":[{\"name\":\"x\\u001b[2K\\r\\nedge-gateway UP\",\"status\":\"DOWN\"}]}"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(503, json.length);
            try (var body = exchange.getResponseBody()) {
                body.write(json);
            }
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            CliRun forged = health("--targets", "forger=" + base + "/forger");
            assertEquals(HealthCommand.EXIT_DOWN, forged.exitCode(), forged.toString());
            assertFalse(forged.out().contains("\u001b") || forged.out().contains("\r"), forged.out());
            assertFalse(forged.out().lines().anyMatch(l -> l.startsWith("edge-gateway")), forged.out());
            assertTrue(forged.out().contains("x\\u001b[2K\\u000d\\u000aedge-gateway UP"), forged.out());
            // A hang guard, not a timing assertion: without the bound the trickle never ends.
            CliRun run = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> health("--timeout-ms", "1000",
                    "--targets", "trickle=" + base + "/trickle,flood=" + base + "/flood"));

            assertEquals(HealthCommand.EXIT_UNREACHABLE, run.exitCode(), run.toString());
            assertTrue(run.out().lines().anyMatch(l -> l.startsWith("trickle ")
                    && l.contains("no whole answer within 1000 ms")), run.out());
            assertTrue(run.out().lines().anyMatch(l -> l.startsWith("flood ")
                    && l.contains("larger than 1024 KB")), run.out());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void jsonGivesEveryTargetsVerdictForScripts() throws Exception {
        CliRun run = health("--json", "--redis", REDIS.url().toString());

        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(1, run.out().lines().count(), "one line of JSON");
        JsonNode report = JSON.readTree(run.out());
        assertEquals("UP", report.get("status").asText());
        List<String> names = new ArrayList<>();
        for (JsonNode target : report.get("targets")) {
            names.add(target.get("name").asText());
            assertEquals("UP", target.get("status").asText(), target.toString());
            assertTrue(target.get("latencyMs").isIntegralNumber(), target.toString());
            assertEquals(0, target.get("failing").size(), target.toString());
            assertTrue(target.get("error").isNull(), target.toString());
            assertEquals(target.get("name").asText().equals("redis") ? "redis" : "service", target.get("kind").asText());
        }
        List<String> expected = new ArrayList<>(SERVICES);
        expected.add("redis");
        assertEquals(expected, names);
    }

    @Test
    void targetsListReplacesTheFiveAndTheEnvironmentNamesThem() {
        String gw = at.get(1);
        CliRun listed = health(Map.of(), "--targets", "gw-a=" + gw + ",gw-b=" + gw + "/");
        assertEquals(0, listed.exitCode(), listed.toString());
        assertEquals(List.of("gw-a", "gw-b"), rowNames(listed));

        CliRun fromEnv = CliRun.run(Map.of(HealthCommand.TARGETS_ENV, "gw=" + gw, "REDIS_URL", REDIS.url().toString()),
                "health", "--redis");
        assertEquals(0, fromEnv.exitCode(), fromEnv.toString());
        assertEquals(List.of("gw", "redis"), rowNames(fromEnv));

        // A service's own variable moves its default.
        CliRun moved = CliRun.run(Map.of("GATEWAY_HEALTH_URL", "http://127.0.0.1:" + RedisServerExtension.freePort()),
                "health", "--timeout-ms", "30000");
        assertTrue(moved.out().lines().anyMatch(l -> l.startsWith("edge-gateway ") && l.contains("unreachable")), moved.out());
    }

    @Test
    void redisThatRefusesIsNotReadyAndItsPasswordIsNeverPrinted() {
        // This Redis has no password: AUTH is an error reply, so it answers but is not usable.
        String url = "redis://:hunter2-secret@127.0.0.1:" + REDIS.url().getPort();
        CliRun run = CliRun.run(Map.of(HealthCommand.TARGETS_ENV, "redis=" + url), "health", "--timeout-ms", "30000");

        assertEquals(HealthCommand.EXIT_DOWN, run.exitCode(), run.toString());
        assertTrue(run.out().lines().anyMatch(l -> l.matches("redis +redis://127\\.0\\.0\\.1:\\d+ +UP +DOWN .*ready: ping.*")),
                run.out());
        assertFalse(run.toString().contains("hunter2"), run.toString());
    }

    @Test
    void badArgumentsAreUsageErrors() {
        for (List<String> args : List.of(List.of("--timeout-ms", "0"), List.of("--gateway", "ftp://host:21"),
                List.of("--targets", "no-equals-sign"), List.of("--redis", "http://localhost:6379"),
                List.of("--messaging", "redis://localhost:6379"), List.of("--targets", "bad name=http://x:1"))) {
            List<String> all = new ArrayList<>(List.of("health"));
            all.addAll(args);
            CliRun run = CliRun.run(Map.of(), all.toArray(String[]::new));
            assertEquals(SupCli.EXIT_USAGE, run.exitCode(), args + ": " + run);
            assertTrue(run.err().startsWith("error: "), run.err());
        }
    }

    @Test
    void helpDocumentsTheExitCodes() {
        CliRun run = CliRun.run(Map.of(), "health", "--help");

        assertEquals(0, run.exitCode());
        assertTrue(run.out().contains("  3  something answered but is not live or not ready"), run.out());
        assertTrue(run.out().contains("  4  something did not answer"), run.out());
        assertTrue(run.out().contains("--targets") && run.out().contains("--redis") && run.out().contains("--json"), run.out());
    }

    private static CliRun health(String... extra) {
        return health(null, extra);
    }

    /** {@code sup health} at this test's services (unless {@code env} is given: then only the extra arguments). */
    private static CliRun health(Map<String, String> env, String... extra) {
        List<String> args = new ArrayList<>(List.of("health"));
        List<String> given = List.of(extra);
        if (env == null) {
            // at's options, but those the test gives itself (an option may be given once).
            for (int i = 0; i + 1 < at.size(); i += 2) {
                if (!given.contains(at.get(i))) {
                    args.addAll(at.subList(i, i + 2));
                }
            }
        } else {
            args.addAll(List.of("--timeout-ms", "30000"));
        }
        args.addAll(given);
        return CliRun.run(env == null ? Map.of() : env, args.toArray(String[]::new));
    }

    private static void awaitEverythingUp() throws InterruptedException {
        List<HealthTarget> targets = new ArrayList<>();
        for (int i = 0; i < SERVICES.size(); i++) {
            targets.add(HealthTarget.of(SERVICES.get(i), at.get(2 * i + 1)));
        }
        Instant deadline = Instant.now().plusSeconds(60);
        while (HealthCommand.check(targets, Duration.ofSeconds(30)).state() != TargetHealth.State.UP) {
            if (Instant.now().isAfter(deadline)) {
                fail("not every service ready again within 60 s of Redis coming back");
            }
            Thread.sleep(100);
        }
    }

    private static List<String> rowNames(CliRun run) {
        return run.out().lines().skip(1).takeWhile(l -> !l.isBlank()).map(l -> l.split(" +")[0]).toList();
    }

    private static List<String> names(JsonNode failing) {
        List<String> names = new ArrayList<>();
        failing.forEach(check -> names.add(check.get("name").asText()));
        return names;
    }

    private static Settings settings(String service, String redis, String... more) {
        Map<String, String> values = new HashMap<>(Map.of("grpc.port", "0", "observe.port", "0", "redis.url", redis));
        for (int i = 0; i + 1 < more.length; i += 2) {
            values.put(more[i], more[i + 1]);
        }
        return Settings.of(service, values);
    }

    private static <T extends AutoCloseable> T started(T service) {
        RUNNING.add(service);
        return service;
    }

    private static String observe(int port) {
        return "http://localhost:" + port;
    }
}
