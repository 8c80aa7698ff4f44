package io.sup.realtime.platform.service;

import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.logging.common.LogConfig;

/**
 * Process logging: java.util.logging configured from {@code logging.properties} on the class
 * path (Helidon's {@link LogConfig}), with the root level taken from {@code LOG_LEVEL}
 * ({@code error}, {@code warn}, {@code info} or {@code debug}, as in the original) and the
 * line format from {@code LOG_FORMAT}: {@code text} (the default: the file's one-line text)
 * or {@code json} (one JSON object per line, {@link JsonLogFormatter}). Lines go where the
 * file's handler writes them (the console).
 */
public final class Logging {
    private Logging() {
    }

    /**
     * Configures logging with the file's text format.
     *
     * @param level the {@code LOG_LEVEL} value, or null for the file's level
     * @throws IllegalArgumentException for an unknown level
     */
    public static void configure(String level) {
        configure(level, null);
    }

    /**
     * Configures logging.
     *
     * @param level  the {@code LOG_LEVEL} value, or null for the file's level
     * @param format the {@code LOG_FORMAT} value ({@code text} or {@code json}), or null for text
     * @throws IllegalArgumentException for an unknown level or format, before anything changes
     */
    public static void configure(String level, String format) {
        boolean json = switch (format == null ? "" : format.trim().toLowerCase(Locale.ROOT)) {
            case "", "text" -> false;
            case "json" -> true;
            default -> throw new IllegalArgumentException(
                    "configuration 'log.format' (env LOG_FORMAT) has a bad value '" + format + "': must be text or json");
        };
        LogConfig.configureRuntime();
        if (json) {
            for (var handler : Logger.getLogger("").getHandlers()) {
                handler.setFormatter(new JsonLogFormatter());
            }
        }
        if (level == null || level.isBlank()) {
            return;
        }
        Level jul = switch (level.trim().toLowerCase(Locale.ROOT)) {
            case "error" -> Level.SEVERE;
            case "warn", "warning" -> Level.WARNING;
            case "info" -> Level.INFO;
            case "debug" -> Level.FINE;
            case "trace" -> Level.FINEST;
            default -> throw new IllegalArgumentException(
                    "configuration 'log.level' (env LOG_LEVEL) has a bad value '" + level
                            + "': must be error, warn, info, debug or trace");
        };
        Logger root = Logger.getLogger("");
        root.setLevel(jul);
        for (var handler : root.getHandlers()) {
            handler.setLevel(jul);
        }
    }
}
