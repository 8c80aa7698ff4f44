package io.sup.realtime.tools.health;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sup.realtime.tools.health.TargetHealth.FailingCheck;
import io.sup.realtime.tools.health.TargetHealth.State;

/**
 * The findings of one {@code sup health} run, in the order the targets were given, as a
 * table for people or one JSON object for scripts.
 *
 * @param results one per target
 */
public record HealthReport(List<TargetHealth> results) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NONE = "-";

    /** Copies the list. */
    public HealthReport {
        results = List.copyOf(results);
    }

    /** The worst state of any target: UNREACHABLE over DOWN over UP (UP for no targets). */
    public State state() {
        return results.stream().map(TargetHealth::state).max(Comparator.naturalOrder()).orElse(State.UP);
    }

    /**
     * A table, one row a target, then a summary line:
     * <pre>
     * SERVICE            URL                    LIVE  READY  LATENCY  FAILING
     * edge-gateway       http://localhost:9091  UP    UP     4 ms     -
     * messaging-service  http://localhost:9101  UP    DOWN   3 ms     ready: redis (error=JedisConnectionException)
     * presence-service   http://localhost:9102  -     -      -        unreachable: connection refused (is it running?)
     *
     * 2 of 3 not up: messaging-service not ready, presence-service unreachable
     * </pre>
     */
    public String table() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"SERVICE", "URL", "LIVE", "READY", "LATENCY", "FAILING"});
        for (TargetHealth r : results) {
            rows.add(new String[] {r.target().name(), r.target().shownUrl(), printable(orNone(r.live())),
                    printable(orNone(r.ready())), r.latencyMs() < 0 ? NONE : r.latencyMs() + " ms", printable(failingText(r))});
        }
        int[] widths = new int[rows.getFirst().length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.append('\n').append(summary()).append('\n').toString();
    }

    /** One line: {@code all 5 up}, or which are not up and why. */
    public String summary() {
        List<String> notUp = new ArrayList<>();
        for (TargetHealth r : results) {
            switch (r.state()) {
                case UP -> { }
                case DOWN -> notUp.add(r.target().name() + ("DOWN".equals(r.live()) ? " not live" : " not ready"));
                case UNREACHABLE -> notUp.add(r.target().name() + " unreachable");
            }
        }
        if (notUp.isEmpty()) {
            return "all " + results.size() + " up";
        }
        return notUp.size() + " of " + results.size() + " not up: " + String.join(", ", notUp);
    }

    /**
     * One JSON object:
     * {@code {"status":"UP|DOWN|UNREACHABLE","targets":[{"name":..,"url":..,"kind":"service|redis",
     * "status":..,"live":..,"ready":..,"latencyMs":..,"failing":[{"endpoint":"ready","name":"redis",
     * "status":"DOWN","data":{..}}],"error":..}]}}; {@code live}, {@code ready}, {@code latencyMs}
     * and {@code error} are null where there was no answer or no error.
     */
    public String json() {
        ObjectNode root = JSON.createObjectNode();
        root.put("status", state().name());
        ArrayNode targets = root.putArray("targets");
        for (TargetHealth r : results) {
            ObjectNode t = targets.addObject();
            t.put("name", r.target().name());
            t.put("url", r.target().shownUrl());
            t.put("kind", r.target().isRedis() ? "redis" : "service");
            t.put("status", r.state().name());
            t.put("live", r.live());
            t.put("ready", r.ready());
            if (r.latencyMs() < 0) {
                t.putNull("latencyMs");
            } else {
                t.put("latencyMs", r.latencyMs());
            }
            ArrayNode failing = t.putArray("failing");
            for (FailingCheck check : r.failing()) {
                ObjectNode c = failing.addObject();
                c.put("endpoint", check.endpoint());
                c.put("name", check.name());
                c.put("status", check.status());
                ObjectNode data = c.putObject("data");
                new TreeMap<>(check.data()).forEach(data::put);
            }
            t.put("error", r.error());
        }
        return root.toString();
    }

    private static String failingText(TargetHealth r) {
        if (r.error() != null) {
            return "unreachable: " + r.error();
        }
        if (r.failing().isEmpty()) {
            return NONE;
        }
        List<String> parts = new ArrayList<>();
        for (FailingCheck check : r.failing()) {
            String data = String.join(", ", new TreeMap<>(check.data()).entrySet().stream()
                    .map(Map.Entry::toString).toList());
            parts.add(check.endpoint() + ": " + check.name() + ("DOWN".equals(check.status()) ? "" : " " + check.status())
                    + (data.isEmpty() ? "" : " (" + data + ")"));
        }
        return String.join("; ", parts);
    }

    /**
     * {@code text} with control characters shown as {@code \\uXXXX}: what an endpoint answers
     * must not move the terminal's cursor or forge a line of the table.
     */
    static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    private static String orNone(String value) {
        return value == null ? NONE : value;
    }
}
