package io.sup.realtime.gateway.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One scrape of {@code /metrics}, parsed as the Prometheus text exposition format 0.0.4 is
 * written: {@code # HELP} / {@code # TYPE} comments, then samples
 * {@code name{label="value",...} value [timestamp]} with {@code \\}, {@code \"} and {@code \n}
 * escaped in label values.
 */
final class PrometheusText {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** One sample: its name, labels and value. */
    record Sample(String name, Map<String, String> labels, double value) {
        /** Whether every one of {@code wanted} (label, value, ...) is among the labels. */
        boolean has(String... wanted) {
            for (int i = 0; i + 1 < wanted.length; i += 2) {
                if (!wanted[i + 1].equals(labels.get(wanted[i]))) {
                    return false;
                }
            }
            return true;
        }
    }

    private final List<Sample> samples;
    private final Map<String, String> types;

    private PrometheusText(List<Sample> samples, Map<String, String> types) {
        this.samples = samples;
        this.types = types;
    }

    /** Scrapes {@code http://127.0.0.1:<port>/metrics}. */
    static PrometheusText scrape(int port) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("/metrics answered " + response.statusCode());
        }
        return parse(response.body());
    }

    /** Parses exposition text. */
    static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).trim().split(" ");
                types.put(parts[0], parts[1]);
            } else if (!line.isBlank() && !line.startsWith("#")) {
                samples.add(sample(line));
            }
        }
        return new PrometheusText(samples, types);
    }

    private static Sample sample(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String label = line.substring(i, eq).trim();
                if (line.charAt(eq + 1) != '"') {
                    throw new IllegalArgumentException("unquoted label value: " + line);
                }
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (char c; (c = line.charAt(j)) != '"'; j++) {
                    if (c == '\\') {
                        char next = line.charAt(++j);
                        value.append(next == 'n' ? '\n' : next);
                    } else {
                        value.append(c);
                    }
                }
                labels.put(label, value.toString());
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        String[] rest = line.substring(i).trim().split("\\s+");
        return new Sample(name, labels, Double.parseDouble(rest[0]));
    }

    /** Every sample of {@code name}. */
    List<Sample> samples(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** The sum of the samples of {@code name} that carry {@code labels} (label, value, ...); 0 when none. */
    double value(String name, String... labels) {
        return samples(name).stream().filter(s -> s.has(labels)).mapToDouble(Sample::value).sum();
    }

    /** Whether a sample of {@code name} carries {@code labels}. */
    boolean has(String name, String... labels) {
        return samples(name).stream().anyMatch(s -> s.has(labels));
    }

    /** The {@code # TYPE} of a metric family, or null. */
    String type(String family) {
        return types.get(family);
    }

    /** Every sample name. */
    List<String> names() {
        return samples.stream().map(Sample::name).distinct().toList();
    }
}
