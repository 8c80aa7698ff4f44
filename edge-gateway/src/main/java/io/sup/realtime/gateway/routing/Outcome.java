package io.sup.realtime.gateway.routing;

import io.sup.realtime.gateway.protocol.ErrorCode;

/**
 * What handling a client event came to: a JSON response for the ack, or an error.
 */
public sealed interface Outcome {
    /** Success; {@code responseJson} is a JSON object whose fields go into the ack. */
    record Ok(String responseJson) implements Outcome {
    }

    /** Failure with a client error code and a client-safe message. */
    record Failed(ErrorCode code, String message) implements Outcome {
    }
}
