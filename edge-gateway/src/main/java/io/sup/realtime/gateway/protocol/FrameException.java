package io.sup.realtime.gateway.protocol;

/**
 * A frame that cannot be decoded. The message is client-safe and never quotes the frame.
 */
public final class FrameException extends Exception {
    /** @param reason client-safe reason */
    public FrameException(String reason) {
        super(reason, null, false, false);
    }
}
