package io.sup.realtime.tools;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Token lifetimes written the way the original's token generator took them: a positive
 * whole number with a unit, {@code s} seconds, {@code m} minutes, {@code h} hours,
 * {@code d} days ({@code 3600s}, {@code 30m}, {@code 24h}, {@code 7d}); a bare number
 * means seconds. At most {@value #MAX_DAYS} days.
 */
public final class Ttl {
    /** Longest lifetime accepted, in days. */
    public static final long MAX_DAYS = 3650;

    private static final Pattern FORM = Pattern.compile("(\\d{1,12})([smhd]?)");

    private Ttl() {
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException saying what a valid lifetime looks like
     */
    public static Duration parse(String text) {
        String trimmed = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        Matcher m = FORM.matcher(trimmed);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a lifetime: use a positive whole number with "
                    + "s, m, h or d, such as 3600s, 30m, 24h or 7d");
        }
        long amount = Long.parseLong(m.group(1));
        Duration ttl = switch (m.group(2)) {
            case "", "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> throw new IllegalStateException("unit " + m.group(2));
        };
        if (ttl.isZero()) {
            throw new IllegalArgumentException("'" + text + "' is not a lifetime: it must be longer than zero");
        }
        if (ttl.compareTo(Duration.ofDays(MAX_DAYS)) > 0) {
            throw new IllegalArgumentException("'" + text + "' is too long: at most " + MAX_DAYS + "d");
        }
        return ttl;
    }

    /** Human form of a lifetime, such as {@code 24h} or {@code 90s}, for messages. */
    public static String format(Duration ttl) {
        long seconds = ttl.toSeconds();
        if (seconds % 86_400 == 0) {
            return seconds / 86_400 + "d";
        }
        if (seconds % 3_600 == 0) {
            return seconds / 3_600 + "h";
        }
        if (seconds % 60 == 0) {
            return seconds / 60 + "m";
        }
        return seconds + "s";
    }

    /** picocli converter for {@code --ttl}: a bad value is a usage error. */
    public static final class Converter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
