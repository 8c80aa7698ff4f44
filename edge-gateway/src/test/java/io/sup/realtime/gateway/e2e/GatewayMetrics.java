package io.sup.realtime.gateway.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.function.DoublePredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a gateway's meters the way a dashboard does: from {@code /metrics} on its observe
 * port, in the Prometheus text format. The services of one test JVM share Helidon's global
 * registry, so tests compare a meter with its value before the step they check.
 */
final class GatewayMetrics {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private GatewayMetrics() {
    }

    /**
     * The value of {@code name} (e.g. {@code gateway_connections_closed_total}) whose labels
     * contain {@code labels} (e.g. {@code code="4008"}, or "" for any), 0 when it is not there yet.
     */
    static double value(int observePort, String name, String labels) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + observePort + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*})?\\s+(\\S+)", Pattern.MULTILINE)
                .matcher(response.body());
        while (m.find()) {
            String found = m.group(1) == null ? "" : m.group(1);
            if (found.contains(labels)) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0;
    }

    /** Waits until the meter's value satisfies {@code condition}; returns it. */
    static double await(int observePort, String name, String labels, DoublePredicate condition) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        double value;
        while (!condition.test(value = value(observePort, name, labels))) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(name + "{" + labels + "} stayed at " + value);
            }
            Thread.sleep(50);
        }
        return value;
    }
}
