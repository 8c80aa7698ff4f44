package io.sup.realtime.platform.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

/**
 * Typed, validated reads of a service's configuration.
 *
 * <p>Sources, highest priority first: environment variables, Java system properties, an
 * optional {@code application.yaml}, then the service's own defaults. Helidon maps an environment variable such as
 * {@code REDIS_URL} to the key {@code redis.url}, so the original service's variables
 * ({@code PORT}, {@code REDIS_URL}, {@code JWT_SECRET}, ...) keep working unchanged.
 *
 * <p>Every getter fails with {@link IllegalArgumentException} naming the key and the bad
 * value, so a misconfigured service refuses to start with a message that says what to fix.
 */
public final class Settings {
    private final Config config;

    private Settings(Config config) {
        this.config = config;
    }

    /**
     * The process's settings: environment variables, system properties, an optional
     * {@code application.yaml} (working directory, then class path) for operator overrides,
     * then the service's defaults {@code <service>.yaml} on the class path.
     *
     * @param service the service's name, e.g. {@code messaging-service}
     */
    public static Settings load(String service) {
        return new Settings(Config.builder()
                .addSource(ConfigSources.environmentVariables())
                .addSource(ConfigSources.create(singleWordEnvironment()))
                .addSource(ConfigSources.systemProperties())
                .addSource(ConfigSources.file("application.yaml").optional())
                .addSource(ConfigSources.classpath("application.yaml").optional())
                .addSource(ConfigSources.classpath(service + ".yaml"))
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .build());
    }

    /**
     * Settings from key/value pairs over the service's defaults, with no environment: tests
     * use it to start several services in one JVM, each on its own ports.
     *
     * @param service the service's name, e.g. {@code messaging-service}
     * @param values  overrides, e.g. {@code grpc.port=0}
     */
    public static Settings of(String service, Map<String, String> values) {
        return new Settings(Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .addSource(ConfigSources.create(values))
                .addSource(ConfigSources.classpath(service + ".yaml"))
                .build());
    }

    /**
     * Helidon maps {@code REDIS_URL} to {@code redis.url} but leaves names without an
     * underscore alone, so the original's {@code PORT} would not reach {@code port}: map
     * those to lower case ourselves.
     */
    private static Map<String, String> singleWordEnvironment() {
        Map<String, String> aliases = new java.util.HashMap<>();
        System.getenv().forEach((name, value) -> {
            if (!name.contains("_") && name.chars().allMatch(c -> Character.isUpperCase(c) || Character.isDigit(c))) {
                aliases.put(name.toLowerCase(java.util.Locale.ROOT), value);
            }
        });
        return aliases;
    }

    /** The underlying Helidon config, for Helidon components that read their own keys. */
    public Config config() {
        return config;
    }

    /** A required string. */
    public String string(String key) {
        return config.get(key).asString().orElseThrow(() -> missing(key));
    }

    /** An optional string; blank counts as absent. */
    public String string(String key, String fallback) {
        return config.get(key).asString().filter(s -> !s.isBlank()).orElse(fallback);
    }

    /** A TCP port, 0 (pick a free one) to 65535. */
    public int port(String key) {
        return intInRange(key, 0, 65_535);
    }

    /** A whole number within [min, max]. */
    public int intInRange(String key, int min, int max) {
        int value = parse(key, Integer::parseInt);
        if (value < min || value > max) {
            throw bad(key, String.valueOf(value), "must be between " + min + " and " + max);
        }
        return value;
    }

    /** A boolean: true or false. */
    public boolean bool(String key) {
        return parse(key, s -> switch (s.trim().toLowerCase()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("expected true or false");
        });
    }

    /**
     * A positive duration given in milliseconds (the original's convention, e.g.
     * {@code SOCKETIO_PING_INTERVAL=25000}).
     */
    public Duration millis(String key) {
        long ms = parse(key, Long::parseLong);
        if (ms <= 0) {
            throw bad(key, String.valueOf(ms), "must be a positive number of milliseconds");
        }
        return Duration.ofMillis(ms);
    }

    /** An absolute URI such as {@code redis://host:6379}. */
    public URI uri(String key) {
        URI uri = parse(key, URI::create);
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw bad(key, uri.toString(), "must be an absolute URI with a host");
        }
        return uri;
    }

    /** A comma-separated list of non-blank items. */
    public List<String> list(String key) {
        return List.of(string(key).split(",")).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * A value in a format of the caller's: {@code parser} reads the trimmed text (blank when
     * the key is absent or blank, for the parser to default) and throws
     * {@link IllegalArgumentException} saying what is wrong, which becomes one naming the key.
     */
    public <T> T parsed(String key, Function<String, T> parser) {
        String raw = string(key, "");
        try {
            return parser.apply(raw.trim());
        } catch (RuntimeException e) {
            throw bad(key, raw, e.getMessage());
        }
    }

    private <T> T parse(String key, Function<String, T> parser) {
        String raw = string(key);
        try {
            return parser.apply(raw.trim());
        } catch (RuntimeException e) {
            throw bad(key, raw, e.getMessage());
        }
    }

    private static IllegalArgumentException missing(String key) {
        return new IllegalArgumentException("configuration '" + key + "' is missing (env "
                + envName(key) + ")");
    }

    private static IllegalArgumentException bad(String key, String value, String why) {
        return new IllegalArgumentException("configuration '" + key + "' (env " + envName(key)
                + ") has a bad value '" + value + "': " + why);
    }

    private static String envName(String key) {
        return key.toUpperCase().replace('.', '_').replace('-', '_');
    }
}
