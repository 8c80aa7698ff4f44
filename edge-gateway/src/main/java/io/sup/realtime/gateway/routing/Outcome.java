package io.sup.realtime.gateway.routing;

import io.sup.realtime.gateway.protocol.ErrorCode;

/**
 * What handling a client event came to: a JSON response for the ack, or an error.
 */
public sealed interface Outcome {
    /** Success; {@code responseJson} is a JSON object whose fields go into the ack. */
    record Ok(String responseJson) implements Outcome {
    }

    /**
     * Failure with a client error code, a client-safe message, and for {@code RATE_LIMITED}, or
     * {@code UNAVAILABLE} of an event shed unsent, how long to wait before retrying (ms; 0 when unsaid).
     */
    record Failed(ErrorCode code, String message, long retryAfterMs) implements Outcome {
        /** A failure with no retry hint. */
        public Failed(ErrorCode code, String message) {
            this(code, message, 0);
        }
    }
}
