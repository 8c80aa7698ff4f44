package io.sup.realtime.tools.health;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sup.realtime.tools.health.TargetHealth.FailingCheck;
import io.sup.realtime.tools.health.TargetHealth.State;

/**
 * Probes a service's Helidon health endpoints over HTTP: {@code GET /health/live} and
 * {@code GET /health/ready}, each answering 200 when UP and 503 when DOWN with Helidon's
 * JSON, {@code {"status":"UP","checks":[{"name":"redis","status":"UP","data":{...}}]}}
 * (the observe port's health has details on; without a body the HTTP status alone counts).
 * Any other answer (404, a body that is not that JSON) means the URL is not a health
 * endpoint, and counts as unreachable.
 */
final class ServiceProbe {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Helidon's health JSON is a few KB; more is not a health endpoint. */
    static final int MAX_BODY_BYTES = 1024 * 1024;
    private static final ExecutorService BODY_READERS = Executors.newVirtualThreadPerTaskExecutor();

    private final HttpClient http;
    private final Duration timeout;

    /**
     * @param http    the client (its connect timeout should be {@code timeout} too)
     * @param timeout how long each request may take, connecting included
     */
    ServiceProbe(HttpClient http, Duration timeout) {
        this.http = http;
        this.timeout = timeout;
    }

    /** Probes liveness, then readiness. Never throws for what the target does. */
    TargetHealth probe(HealthTarget target) throws InterruptedException {
        Answer live = get(target, "/health/live");
        if (live.error != null) {
            return TargetHealth.unreachable(target, live.error);
        }
        Answer ready = get(target, "/health/ready");
        if (ready.error != null) {
            return TargetHealth.unreachable(target, ready.error);
        }
        List<FailingCheck> failing = new ArrayList<>(live.failing("live"));
        failing.addAll(ready.failing("ready"));
        State state = "UP".equals(live.status) && "UP".equals(ready.status) ? State.UP : State.DOWN;
        return new TargetHealth(target, state, live.status, ready.status, failing, ready.latencyMs, null);
    }

    private Answer get(HealthTarget target, String path) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(target.resolve(path))
                .timeout(timeout)
                .header("Accept", "application/json")
                .GET()
                .build();
        long start = System.nanoTime();
        // The request's own timeout ends at the headers: the body is bounded here too, in time
        // (the same timeout, counted from the start) and in size, so that no endpoint can hold
        // the command or fill its memory.
        long deadline = start + timeout.toNanos();
        CompletableFuture<HttpResponse<InputStream>> sent = http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
        HttpResponse<InputStream> response;
        try {
            response = sent.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            sent.cancel(true);
            return Answer.failed("no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            return Answer.failed(why(e.getCause()));
        }
        byte[] body;
        try (InputStream in = response.body()) {
            Future<byte[]> read = BODY_READERS.submit(() -> in.readNBytes(MAX_BODY_BYTES + 1));
            try {
                body = read.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                read.cancel(true); // closing the stream (below) ends the read
                return Answer.failed("no whole answer within " + timeout.toMillis() + " ms");
            } catch (ExecutionException e) {
                return Answer.failed(why(e.getCause()));
            }
        } catch (IOException e) {
            return Answer.failed(why(e));
        }
        if (body.length > MAX_BODY_BYTES) {
            return Answer.failed("the answer from " + path + " is larger than " + MAX_BODY_BYTES / 1024
                    + " KB (not a health endpoint?)");
        }
        long latencyMs = (System.nanoTime() - start) / 1_000_000;
        return parse(path, response.statusCode(), new String(body, StandardCharsets.UTF_8), latencyMs);
    }

    private String why(Throwable failure) {
        return switch (failure) {
            case HttpConnectTimeoutException e -> "no connection within " + timeout.toMillis() + " ms";
            case HttpTimeoutException e -> "no answer within " + timeout.toMillis() + " ms";
            case ConnectException e -> "connection refused (is it running?)";
            default -> failure.getClass().getSimpleName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
        };
    }

    /** Helidon's answer: 200 UP, 503 DOWN, with (or, without details, without) the JSON body. */
    private static Answer parse(String path, int code, String body, long latencyMs) {
        if (code != 200 && code != 204 && code != 503) {
            return Answer.failed("HTTP " + code + " from " + path + " (not a health endpoint?)");
        }
        if (body.isBlank()) {
            return new Answer(code == 503 ? "DOWN" : "UP", List.of(), latencyMs, null);
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (JacksonException e) {
            return Answer.failed("HTTP " + code + " from " + path + " is not JSON (not a health endpoint?)");
        }
        JsonNode status = json.path("status");
        if (!status.isTextual()) {
            return Answer.failed("the answer from " + path + " has no status (not a Helidon health endpoint?)");
        }
        List<JsonNode> checks = new ArrayList<>();
        json.path("checks").forEach(checks::add);
        return new Answer(status.asText(), checks, latencyMs, null);
    }

    /** One endpoint's answer, or why there was none ({@code error}). */
    private record Answer(String status, List<JsonNode> checks, long latencyMs, String error) {
        static Answer failed(String error) {
            return new Answer(null, List.of(), -1, error);
        }

        List<FailingCheck> failing(String endpoint) {
            List<FailingCheck> failing = new ArrayList<>();
            for (JsonNode check : checks) {
                String checkStatus = check.path("status").asText("UNKNOWN");
                if (!"UP".equals(checkStatus)) {
                    Map<String, String> data = new LinkedHashMap<>();
                    check.path("data").properties().forEach(e -> data.put(e.getKey(), e.getValue().asText(e.getValue().toString())));
                    failing.add(new FailingCheck(endpoint, check.path("name").asText("?"), checkStatus, data));
                }
            }
            if (failing.isEmpty() && !"UP".equals(status)) {
                // DOWN without a failing check listed (details off): say which endpoint.
                failing.add(new FailingCheck(endpoint, endpoint, status, Map.of()));
            }
            return failing;
        }
    }
}
