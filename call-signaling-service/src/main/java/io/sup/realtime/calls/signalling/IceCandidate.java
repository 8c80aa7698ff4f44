package io.sup.realtime.calls.signalling;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalInt;

import io.sup.realtime.platform.grpc.ServiceException;
import io.sup.realtime.platform.json.ProtoJson;

/**
 * A trickled ICE candidate (RFC 8838) as WebRTC's {@code RTCIceCandidateInit} carries it, or
 * the end of candidates: {@code null} on the wire ({@link #END}), or an object whose
 * {@code candidate} is the empty string. Relayed as sent, never parsed here.
 *
 * @param present          false for the {@code null} form
 * @param candidate        the candidate-attribute line (RFC 8839), "" for end-of-candidates
 * @param sdpMid           the media stream identification tag, when given
 * @param sdpMLineIndex    the m-line index, when given (0-65535)
 * @param usernameFragment the ICE ufrag, when given
 */
public record IceCandidate(boolean present, String candidate, Optional<String> sdpMid, OptionalInt sdpMLineIndex,
                           Optional<String> usernameFragment) {
    /** The {@code null} form of end-of-candidates. */
    public static final IceCandidate END = new IceCandidate(false, "", Optional.empty(), OptionalInt.empty(),
            Optional.empty());
    /** Longest candidate line accepted, in UTF-8 bytes (real ones are about 100). */
    public static final int MAX_CANDIDATE_BYTES = 1_024;
    /** Longest sdpMid or usernameFragment accepted, in UTF-8 bytes. */
    public static final int MAX_TAG_BYTES = 256;

    /** Whether this marks the end of candidates (null, or an empty candidate line). */
    public boolean isEndOfCandidates() {
        return !present || candidate.isEmpty();
    }

    /**
     * Checks the bounds.
     *
     * @throws ServiceException INVALID_ARGUMENT naming the field, never quoting it
     */
    void require() {
        if (!present) {
            return;
        }
        requireText("candidate.candidate", candidate, MAX_CANDIDATE_BYTES);
        sdpMid.ifPresent(mid -> requireText("candidate.sdpMid", mid, MAX_TAG_BYTES));
        usernameFragment.ifPresent(u -> requireText("candidate.usernameFragment", u, MAX_TAG_BYTES));
        if (sdpMLineIndex.isPresent() && (sdpMLineIndex.getAsInt() < 0 || sdpMLineIndex.getAsInt() > 65_535)) {
            throw ServiceException.invalidArgument("candidate.sdpMLineIndex must be 0-65535");
        }
    }

    private static void requireText(String field, String value, int maxBytes) {
        if (value.getBytes(StandardCharsets.UTF_8).length > maxBytes || !ProtoJson.isValidUnicode(value)) {
            throw ServiceException.invalidArgument(field + " must be valid Unicode of at most " + maxBytes + " bytes");
        }
    }
}
