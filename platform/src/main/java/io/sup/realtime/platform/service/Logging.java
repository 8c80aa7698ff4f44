package io.sup.realtime.platform.service;

import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.logging.common.LogConfig;

/**
 * Process logging: java.util.logging configured from {@code logging.properties} on the class
 * path (Helidon's {@link LogConfig}), with the root level taken from {@code LOG_LEVEL}
 * ({@code error}, {@code warn}, {@code info} or {@code debug}, as in the original).
 */
public final class Logging {
    private Logging() {
    }

    /**
     * Configures logging.
     *
     * @param level the {@code LOG_LEVEL} value, or null for the file's level
     * @throws IllegalArgumentException for an unknown level
     */
    public static void configure(String level) {
        LogConfig.configureRuntime();
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
