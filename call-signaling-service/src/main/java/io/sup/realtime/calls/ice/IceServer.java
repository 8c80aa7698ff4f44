package io.sup.realtime.calls.ice;

import java.util.List;
import java.util.Optional;

/**
 * A STUN or TURN server for a client's {@code RTCPeerConnection}, in the shape of WebRTC's
 * {@code RTCIceServer}.
 *
 * @param urls       {@code stun:}, {@code turn:} or {@code turns:} URIs (RFC 7064, RFC 7065)
 * @param username   TURN only: the time-limited username
 * @param credential TURN only: its password
 */
public record IceServer(List<String> urls, Optional<String> username, Optional<String> credential) {
    /** Copies {@code urls}. */
    public IceServer {
        urls = List.copyOf(urls);
    }
}
