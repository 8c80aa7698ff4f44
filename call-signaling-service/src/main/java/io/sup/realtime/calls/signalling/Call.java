package io.sup.realtime.calls.signalling;

import java.util.Optional;

/**
 * A call as stored ({@code call:{<call>}:state}). Times in ms since the Unix epoch.
 *
 * @param id                 the call id
 * @param callerId           who called
 * @param callerConnection   the caller's connection in the call (the one that initiated)
 * @param calleeId           who was called
 * @param type               audio or video
 * @param state              where it is
 * @param answeredBy         the callee's connection that answered, once answered
 * @param reason             why it ended, once ended
 * @param createdAt          when it was initiated
 * @param answeredAt         when it was answered, once answered
 * @param endedAt            when it ended, once ended
 * @param ringUntil          when it stops ringing unless answered
 */
public record Call(String id, String callerId, String callerConnection, String calleeId, CallType type,
                   CallState state, Optional<String> answeredBy, Optional<EndReason> reason, long createdAt,
                   Optional<Long> answeredAt, Optional<Long> endedAt, long ringUntil) {
    /** Whether {@code userId} is the caller or the callee. */
    public boolean hasParty(String userId) {
        return callerId.equals(userId) || calleeId.equals(userId);
    }

    /** The other party of {@code userId}. */
    public String peerOf(String userId) {
        return callerId.equals(userId) ? calleeId : callerId;
    }

    /** Whether the callee never answered and did not decline: a missed call for the callee. */
    public boolean isMissed() {
        return answeredAt.isEmpty() && reason.isPresent() && reason.get() != EndReason.REJECTED;
    }
}
