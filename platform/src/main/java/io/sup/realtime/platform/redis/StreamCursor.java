package io.sup.realtime.platform.redis;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.sup.realtime.platform.grpc.ServiceException;

/**
 * A client's cursor into a Redis stream: an entry id {@code <ms>-<seq>} (each part an
 * unsigned 64-bit number, as Redis defines stream ids), read on from exclusively. The one
 * check for every API that pages a stream (messaging's outbox, missed calls, dead letters).
 */
public final class StreamCursor {
    private static final Pattern STREAM_ID = Pattern.compile("([0-9]{1,20})-([0-9]{1,20})");
    private static final String LARGEST_ID = Long.toUnsignedString(-1L) + "-" + Long.toUnsignedString(-1L);

    private StreamCursor() {
    }

    /**
     * The XRANGE start for the entries after {@code after} (empty: {@code -}, from the oldest),
     * or empty when none can follow it (the largest id: Redis refuses an exclusive start there).
     *
     * @param what names the records in the error, e.g. {@code a missed call's id}
     * @throws ServiceException INVALID_ARGUMENT when {@code after} is not a stream id
     */
    public static Optional<String> startAfter(String after, String what) {
        if (after.isEmpty()) {
            return Optional.of("-");
        }
        if (!isStreamId(after)) {
            throw ServiceException.invalidArgument("after must be " + what + " (<ms>-<seq>) or empty");
        }
        return after.equals(LARGEST_ID) ? Optional.empty() : Optional.of("(" + after);
    }

    private static boolean isStreamId(String id) {
        Matcher m = STREAM_ID.matcher(id);
        if (!m.matches()) {
            return false;
        }
        try {
            Long.parseUnsignedLong(m.group(1));
            Long.parseUnsignedLong(m.group(2));
            return true;
        } catch (NumberFormatException beyond64Bits) {
            return false;
        }
    }
}
