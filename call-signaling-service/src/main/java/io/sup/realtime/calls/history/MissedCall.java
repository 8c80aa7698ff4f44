package io.sup.realtime.calls.history;

/**
 * A call its callee did not answer, as recorded for notification-service.
 *
 * @param id        the record's stream id: read on from it
 * @param callId    the call
 * @param callerId  who called
 * @param calleeId  who missed it
 * @param callType  {@code audio} or {@code video}
 * @param startedAt when it was initiated (ms)
 * @param reason    {@code cancelled}, {@code timeout}, {@code busy}, {@code unavailable} or {@code connection_lost}
 */
public record MissedCall(String id, String callId, String callerId, String calleeId, String callType, long startedAt,
                         String reason) {
}
