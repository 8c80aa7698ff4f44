package io.sup.realtime.gateway.protocol;

/**
 * One client -> server event, whatever the wire protocol.
 *
 * @param name     the event name, e.g. {@code message:new}
 * @param ackId    the client's acknowledgement id, or -1 when it wants no ack
 * @param dataJson the event's {@code data} as a JSON object ("{}" when absent)
 */
public record ClientEvent(String name, long ackId, String dataJson) {
    /** Whether the client asked for an acknowledgement. */
    public boolean wantsAck() {
        return ackId >= 0;
    }
}
