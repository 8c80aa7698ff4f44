package io.sup.realtime.calls.signalling;

import java.nio.charset.StandardCharsets;

import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.json.ProtoJson;

/**
 * An SDP session description as WebRTC's {@code RTCSessionDescriptionInit} carries it (JSEP,
 * RFC 8829): its type and the SDP text (RFC 8866), relayed as sent, never parsed here.
 *
 * @param type {@code offer} or {@code answer}
 * @param sdp  the SDP, 1 to {@value #MAX_SDP_BYTES} UTF-8 bytes
 */
public record SessionDescription(String type, String sdp) {
    /** Longest SDP accepted, in UTF-8 bytes (real offers with many codecs are about 10 KB). */
    public static final int MAX_SDP_BYTES = 65_536;

    /**
     * Checks that this is a description of {@code expectedType} the service can relay.
     *
     * @throws ServiceException INVALID_ARGUMENT naming the field, never quoting the SDP
     */
    void require(String field, String expectedType) {
        if (!expectedType.equals(type)) {
            throw ServiceException.invalidArgument(field + ".type must be \"" + expectedType + "\"");
        }
        if (sdp.isEmpty() || sdp.getBytes(StandardCharsets.UTF_8).length > MAX_SDP_BYTES) {
            throw ServiceException.invalidArgument(field + ".sdp must hold 1-" + MAX_SDP_BYTES + " bytes");
        }
        if (!ProtoJson.isValidUnicode(sdp)) {
            throw ServiceException.invalidArgument(field + ".sdp must be valid Unicode");
        }
    }
}
