package io.sup.realtime.tools.health;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One thing {@code sup health} checks: a service's observe port, probed at
 * {@code <base>/health/live} and {@code <base>/health/ready} (Helidon health, JSON), or a
 * Redis node, pinged.
 *
 * @param name a short name for the table ({@code edge-gateway}, {@code redis}, ...)
 * @param url  {@code http[s]://host:port[/prefix]} of an observe port, or
 *             {@code redis[s]://[[user]:password@]host:port[/db]} of a Redis node
 */
public record HealthTarget(String name, URI url) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");

    /** Validates the name and the URL's shape. */
    public HealthTarget {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not a target name: letters, digits, '.', '_', ':' or '-', at most 64");
        }
        if (url == null || url.getHost() == null || url.getScheme() == null) {
            throw new IllegalArgumentException("the URL of '" + name + "' has no scheme or host");
        }
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") && !isRedisScheme(url)) {
            throw new IllegalArgumentException("the URL of '" + name + "' must be http://host:port, https://host:port or redis://host:port");
        }
    }

    /**
     * A target from {@code name} and URL text.
     *
     * @throws IllegalArgumentException naming the target when the URL is malformed or of another scheme
     */
    public static HealthTarget of(String name, String url) {
        try {
            return new HealthTarget(name, new URI(url.trim()));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + shown(url) + "' (" + name + ") is not a URL: " + e.getReason());
        }
    }

    /**
     * A target from {@code name=url}, as {@code --targets} takes them.
     *
     * @throws IllegalArgumentException when there is no {@code =} or either side is bad
     */
    public static HealthTarget parse(String entry) {
        int eq = entry.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("'" + shown(entry) + "' is not name=url (e.g. edge-gateway=http://localhost:9091)");
        }
        return of(entry.substring(0, eq).trim(), entry.substring(eq + 1));
    }

    /** Whether this is a Redis node ({@code redis://} or {@code rediss://}). */
    public boolean isRedis() {
        return isRedisScheme(url);
    }

    private static boolean isRedisScheme(URI url) {
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        return scheme.equals("redis") || scheme.equals("rediss");
    }

    /** The URL as printed: without user or password, so a table or a log never shows a Redis password. */
    public String shownUrl() {
        String port = url.getPort() < 0 ? "" : ":" + url.getPort();
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        return url.getScheme() + "://" + url.getHost() + port + (isRedis() ? "" : path);
    }

    /** {@code <base>/<path>}, whatever trailing slash the base has. */
    URI resolve(String path) {
        String base = url.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
    }

    /** Text of a user's entry for a message, with any {@code user:password@} cut out. */
    private static String shown(String text) {
        return text.replaceAll("//[^/@]*@", "//");
    }
}
