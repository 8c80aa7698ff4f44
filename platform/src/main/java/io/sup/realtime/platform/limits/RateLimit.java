package io.sup.realtime.platform.limits;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * At most {@code max} events in any window of length {@code window}: one per-user limit,
 * enforced exactly by {@link RateLimiter}'s sliding-window log.
 *
 * <p>Written {@code <max>/<window>} with the window in {@code ms}, {@code s} or {@code m}:
 * {@code 30/60s}, {@code 10/10s}, {@code 3/500ms}, {@code 5/1m}.
 *
 * @param max    events allowed in any window, 1 to {@value #MAX_EVENTS} (the log keeps one
 *               entry per accepted event, so this bounds its memory)
 * @param window the window's length: whole milliseconds, 1 ms to 24 h
 */
public record RateLimit(int max, Duration window) {
    /** The largest {@code max}: the log holds up to that many entries per user and event. */
    public static final int MAX_EVENTS = 100_000;
    /** The longest window. */
    public static final Duration MAX_WINDOW = Duration.ofHours(24);

    private static final Pattern TEXT = Pattern.compile("(\\d{1,9})\\s*/\\s*(\\d{1,9})\\s*(ms|s|m)");

    /**
     * @throws IllegalArgumentException when {@code max} or {@code window} is out of range
     */
    public RateLimit {
        if (max < 1 || max > MAX_EVENTS) {
            throw new IllegalArgumentException("the number of events must be 1 to " + MAX_EVENTS + ", not " + max);
        }
        if (window == null || window.compareTo(Duration.ofMillis(1)) < 0 || window.compareTo(MAX_WINDOW) > 0
                || window.toNanos() % 1_000_000 != 0) {
            throw new IllegalArgumentException("the window must be whole milliseconds from 1 ms to 24 h, not " + window);
        }
    }

    /**
     * Reads {@code <max>/<window>}, e.g. {@code 30/60s}.
     *
     * @throws IllegalArgumentException saying what is wrong with {@code text}
     */
    public static RateLimit parse(String text) {
        Matcher m = TEXT.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("a limit is <events>/<window> with the window in ms, s or m"
                    + " (e.g. 30/60s or 3/500ms), not '" + text + "'");
        }
        long amount = Long.parseLong(m.group(2));
        Duration window = switch (m.group(3)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            default -> Duration.ofMinutes(amount);
        };
        return new RateLimit(Integer.parseInt(m.group(1)), window);
    }

    /** The window in milliseconds. */
    public long windowMs() {
        return window.toMillis();
    }

    /** For people: {@code 30 per 60 s}, {@code 3 per 500 ms}. */
    public String describe() {
        long ms = windowMs();
        return max + " per " + (ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms");
    }

    /** The form {@link #parse} reads: {@code 30/60s}, {@code 3/500ms}. */
    @Override
    public String toString() {
        long ms = windowMs();
        return max + "/" + (ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms");
    }
}
