package io.sup.realtime.gateway.ws;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.RequestException;
import io.sup.realtime.platform.config.Settings;

/**
 * Which web pages may open a WebSocket here (the {@code Origin} check of RFC 6455 section
 * 10.2). Browsers always send {@code Origin}; a request without one comes from a non-browser
 * client (a native app, a backend), which no page can forge, so it is allowed unless
 * configured otherwise. Helidon's WebSocket upgrade does the allow-list check ({@code
 * WsConfig.origins}, answered 403); this class adds the refusal of a missing Origin.
 *
 * @param allowed       allowed origins, e.g. {@code https://app.example.com} ({@code CORS_ORIGIN}, comma-separated;
 *                      {@code *}, the default and the original's, allows any: then the set is empty)
 * @param allowMissing  whether a request without {@code Origin} may upgrade ({@code CORS_ALLOW_MISSING_ORIGIN},
 *                      default true)
 */
public record OriginPolicy(Set<String> allowed, boolean allowMissing) {
    /** Reads and validates the settings. */
    public static OriginPolicy from(Settings s) {
        Set<String> origins = s.parsed("cors.origin", OriginPolicy::parse);
        return new OriginPolicy(origins, s.bool("cors.allow.missing.origin"));
    }

    /**
     * {@code *}: any (the empty set); else each item an origin ({@code scheme://host[:port]},
     * no path), written as browsers send it (RFC 6454 section 6.2): lower case, without the
     * scheme's default port. Blank is refused: "any" is said with {@code *}.
     */
    static Set<String> parse(String raw) {
        List<String> items = List.of(raw.split(",")).stream().map(String::trim).filter(i -> !i.isEmpty()).toList();
        if (items.isEmpty()) {
            throw new IllegalArgumentException("no origin given: list origins, or give '*' to allow any");
        }
        if (items.contains("*")) {
            if (items.size() > 1) {
                throw new IllegalArgumentException("'*' allows any origin: list origins or give '*' alone");
            }
            return Set.of();
        }
        return items.stream().map(OriginPolicy::serialized).collect(Collectors.toUnmodifiableSet());
    }

    /** An origin as a browser serializes it, or a refusal naming it. */
    private static String serialized(String origin) {
        if ("null".equals(origin)) {
            return origin;
        }
        if (!origin.matches("(?i)https?://[^/\\s?#]+")) {
            throw new IllegalArgumentException("'" + origin + "' is not an origin (scheme://host[:port], no path)");
        }
        String lower = origin.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("https://") && lower.endsWith(":443")) {
            return lower.substring(0, lower.length() - 4);
        }
        if (lower.startsWith("http://") && lower.endsWith(":80")) {
            return lower.substring(0, lower.length() - 3);
        }
        return lower;
    }

    /** Refuses (403) an upgrade without {@code Origin} when those are not allowed. */
    void checkPresent(Headers headers) {
        if (!allowMissing && !headers.contains(HeaderNames.ORIGIN)) {
            throw RequestException.builder().type(DirectHandler.EventType.FORBIDDEN).message("Origin required").build();
        }
    }
}
