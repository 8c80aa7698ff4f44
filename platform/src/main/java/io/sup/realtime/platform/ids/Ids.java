package io.sup.realtime.platform.ids;

import java.util.regex.Pattern;

/**
 * The one rule for opaque identifiers (user, device, chat ids) that cross the gateway or a
 * gRPC API: 1 to {@value #MAX_LENGTH} characters of {@code [A-Za-z0-9_.:@-]}.
 *
 * <p>The character set keeps ids safe inside Redis hash tags ({@code {...}}), key
 * separators and log lines; the length bounds keys and frames.
 */
public final class Ids {
    /** Longest id accepted, in characters. */
    public static final int MAX_LENGTH = 128;

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.:@-]{1," + MAX_LENGTH + "}");

    private Ids() {
    }

    /** Whether {@code id} is a well-formed id. */
    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }
}
