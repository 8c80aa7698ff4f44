package io.sup.realtime.calls;

/**
 * Every Redis key of the call-signalling service (keyspace {@code call:}), built in one place.
 * A call's keys share the hash tag {@code {<call>}} and a user's the tag {@code {<user>}}; the
 * service-wide schedules ({@link #due}, {@link #live}, {@link #participants}, {@link #missed}
 * and the sweep records) are one key each. Every script touches one slot except those that
 * fold a user's rate log into a call's script (answer, reject, end: on Redis Cluster they
 * need the check run on its own first, as messaging's, see docs/DESIGN.md). What bounds
 * each key is written here.
 */
public final class CallKeys {
    private CallKeys() {
    }

    /**
     * Hash: one call's state machine (see {@code lua/call.lua} for the fields). Expires the
     * ring timeout plus the ended retention after its creation, the longest call plus the
     * retention after its answer, and the retention ({@code CALL_ENDED_RETENTION_MS}) after it ended.
     */
    public static String state(String callId) {
        return "call:{" + callId + "}:state";
    }

    /**
     * Hash: the call a user is in or being rung for (call, peer, role, answered): what makes
     * a second call busy and two crossing calls a glare. Deleted when the call ends; expires
     * a little after the ring timeout, or after the longest call once answered, so a record
     * the service could not delete (a crash between two steps) cannot keep a user busy; one
     * found naming an ended call is replaced at once.
     */
    public static String current(String userId) {
        return "call:{" + userId + "}:current";
    }

    /** String: the call an initiation with this tempId made. Expires with the ring timeout. */
    public static String tempId(String userId, String tempId) {
        return "call:{" + userId + "}:temp:" + tempId;
    }

    /**
     * Sorted set: a user's call history, score the start (ms), member an encoded
     * {@code HistoryEntry}. At most {@code CALL_HISTORY_MAX_ENTRIES} entries, none older than
     * {@code CALL_HISTORY_RETENTION_MS}; the key expires that long after its last entry.
     */
    public static String history(String userId) {
        return "call:{" + userId + "}:history";
    }

    /**
     * Sorted set: call id -> when the sweep must look at it (ms): the ring timeout, then, once
     * answered, the longest call allowed. One entry per call that has not ended.
     */
    public static String due() {
        return "call:due";
    }

    /**
     * Sorted set: the connections in a call (the caller's, and the callee's once it answered)
     * -> when they stop counting (ms), extended by the gateways' alive reports. One entry per
     * connection in a call; removed when the call ends.
     */
    public static String live() {
        return "call:live";
    }

    /** Hash: connection in a call -> the call id. The same entries as {@link #live}. */
    public static String participants() {
        return "call:participants";
    }

    /**
     * Stream: missed calls of every user, for notification-service to read
     * ({@code CallAdminService.ListMissedCalls}). Trimmed to about {@code CALL_MISSED_MAX_ENTRIES}.
     */
    public static String missed() {
        return "call:missed";
    }

    /** String: when the last sweep ran (ms), by any replica (platform's {@code SweepLog}). */
    public static String swept() {
        return "call:swept";
    }

    /** Hash: the recovery window after an outage of the service (platform's {@code SweepLog}); expires with it. */
    public static String recovery() {
        return "call:recovery";
    }

    /** Sorted set: a user's rate log for one event, or {@code *} for the ceiling (see platform's RateLimiter). */
    public static String rateLimit(String userId, String bucket) {
        return "call:rl:{" + userId + "}:" + bucket;
    }
}
