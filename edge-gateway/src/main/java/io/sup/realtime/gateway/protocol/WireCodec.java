package io.sup.realtime.gateway.protocol;

/**
 * A wire protocol's text framing. Everything past the codec works on {@link ClientEvent}s
 * and JSON data, so handlers never see the wire format.
 */
public interface WireCodec {
    /**
     * Decodes one complete text message from the client.
     *
     * @throws FrameException when it is not a valid frame of this protocol
     */
    ClientEvent decode(String text) throws FrameException;

    /** Encodes a server -> client event; {@code dataJson} is a JSON value, already encoded. */
    String event(String name, String dataJson);

    /** Encodes the acknowledgement of the client's event {@code ackId}. */
    String ack(long ackId, String dataJson);

    /**
     * The protocol's own heartbeat text frame, or null when the protocol uses WebSocket ping
     * frames (RFC 6455 section 5.5.2).
     */
    String heartbeatFrame();
}
