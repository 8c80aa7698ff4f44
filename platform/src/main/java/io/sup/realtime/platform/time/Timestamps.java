package io.sup.realtime.platform.time;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * The one text form of a time in every API (proto fields, acks, events): RFC 3339 in UTC with
 * millisecond precision, e.g. {@code 2026-11-29T16:35:26.123Z}. Strings rather than
 * {@code google.protobuf.Timestamp}, see {@code proto/sup/messaging/v1/messaging.proto}.
 */
public final class Timestamps {
    /** Always three fractional digits, so times sort and compare as text. */
    private static final DateTimeFormatter RFC_3339 =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Timestamps() {
    }

    /** {@code t} as RFC 3339 in UTC, truncated to milliseconds. */
    public static String rfc3339(Instant t) {
        return RFC_3339.format(t.truncatedTo(ChronoUnit.MILLIS));
    }
}
