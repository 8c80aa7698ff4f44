package io.sup.realtime.gateway.protocol;

import java.time.Duration;

/**
 * What differs between the wire protocols once a frame is decoded: how events, acks and the
 * connection's control messages are framed, and how the protocol keeps connections alive.
 * Everything past the codec works on {@link ClientEvent}s and JSON data, so handlers never
 * see the wire format. Implementations are immutable and shared by all connections.
 */
public interface WireCodec {
    /** Encodes a server -> client event; {@code dataJson} is a JSON value, already encoded. */
    String event(String name, String dataJson);

    /** Encodes the acknowledgement of the client's event {@code ackId}. */
    String ack(long ackId, String dataJson);

    /**
     * The protocol's own heartbeat text frame, or null when the protocol uses WebSocket ping
     * frames (RFC 6455 section 5.5.2).
     */
    String heartbeatFrame();

    /** How often this protocol pings, and how long a peer may stay silent on top of that. */
    Heartbeat heartbeat();

    /** The frame confirming authentication, sent before the {@code connected} event; null when none. */
    String connectAccepted(String connectionId);

    /**
     * The frame telling the client why it may not connect.
     *
     * @param code         {@code UNAUTHENTICATED} (token refused) or {@code RATE_LIMITED} (too many
     *                     connections), {@code UNAVAILABLE} (a backend is down)
     * @param reason       client-safe text
     * @param retryAfterMs when to try again, for {@code RATE_LIMITED}; 0 when unsaid
     */
    String connectRefused(ErrorCode code, String reason, long retryAfterMs);

    /**
     * Whether a refused client keeps its connection (to try again with another token) until
     * the authentication deadline, rather than being closed at once.
     */
    boolean keepsConnectionAfterRefusal();

    /**
     * The frame sent before a close after which the client must not reconnect on its own
     * (a refusal, an idle timeout), or null when the close code alone says so.
     */
    String finalDisconnectFrame();

    /**
     * A protocol's heartbeat timing.
     *
     * @param interval time between pings
     * @param timeout  extra time a silent peer gets before it counts as gone
     */
    record Heartbeat(Duration interval, Duration timeout) {
    }
}
