package io.sup.realtime.messaging.messages;

import java.util.regex.Pattern;

import io.sup.realtime.platform.grpc.ServiceException;

/**
 * The one rule for message ids clients send back: the decimal sequence numbers the server
 * gave, {@code 1} to 18 digits, no sign, no leading zero.
 */
public final class MessageIds {
    private static final Pattern WELL_FORMED = Pattern.compile("[1-9][0-9]{0,17}");

    private MessageIds() {
    }

    /** Whether {@code id} has the form of a message id. */
    public static boolean isWellFormed(String id) {
        return id != null && WELL_FORMED.matcher(id).matches();
    }

    /**
     * The sequence number {@code id} stands for.
     *
     * @param field the request field, for the error message
     * @throws ServiceException INVALID_ARGUMENT when {@code id} is not a message id
     */
    public static long seq(String id, String field) {
        if (!isWellFormed(id)) {
            throw ServiceException.invalidArgument(field + " must be a message id the server gave");
        }
        return Long.parseLong(id);
    }
}
