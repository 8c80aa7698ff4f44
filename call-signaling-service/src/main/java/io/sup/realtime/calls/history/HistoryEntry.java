package io.sup.realtime.calls.history;

import java.util.List;
import java.util.Optional;

import io.sup.realtime.calls.signalling.Call;
import io.sup.realtime.calls.signalling.EndReason;

/**
 * One call as one of its parties saw it. Times in ms since the Unix epoch.
 *
 * @param callId     the call
 * @param peerId     the other party
 * @param outgoing   whether this user called
 * @param callType   {@code audio} or {@code video}
 * @param startedAt  when it was initiated
 * @param answeredAt when it was answered, if it was
 * @param endedAt    when it ended
 * @param outcome    how it went for this user: {@code completed} (answered), {@code missed}
 *                   (incoming, not answered nor declined), {@code rejected}, {@code cancelled}
 *                   (outgoing, ended while ringing), {@code no_answer} (outgoing, timeout),
 *                   {@code busy}, {@code unavailable}
 * @param reason     the call's end reason
 */
public record HistoryEntry(String callId, String peerId, boolean outgoing, String callType, long startedAt,
                           Optional<Long> answeredAt, long endedAt, String outcome, String reason) {
    /** The separator of the stored form; ids, types and reasons never hold it ({@code Ids}). */
    private static final String SEPARATOR = "|";

    /** The entry of {@code userId}, a party of {@code ended}. */
    static HistoryEntry of(Call ended, String userId) {
        boolean outgoing = ended.callerId().equals(userId);
        EndReason reason = ended.reason().orElse(EndReason.HANGUP);
        return new HistoryEntry(ended.id(), ended.peerOf(userId), outgoing, ended.type().wireName(), ended.createdAt(),
                ended.answeredAt(), ended.endedAt().orElse(ended.createdAt()), outcome(ended, reason, outgoing),
                reason.wireName());
    }

    /** From answer to end, 0 when never answered. */
    public long durationMs() {
        return answeredAt.map(a -> Math.max(0, endedAt - a)).orElse(0L);
    }

    private static String outcome(Call ended, EndReason reason, boolean outgoing) {
        if (ended.answeredAt().isPresent()) {
            return "completed";
        }
        if (reason == EndReason.REJECTED) {
            return "rejected";
        }
        if (!outgoing) {
            return "missed";
        }
        return switch (reason) {
            case TIMEOUT -> "no_answer";
            case BUSY -> "busy";
            case UNAVAILABLE -> "unavailable";
            default -> "cancelled";
        };
    }

    /** The stored form: the fields joined by {@value #SEPARATOR}, answeredAt empty when absent. */
    String encode() {
        return String.join(SEPARATOR, callId, peerId, outgoing ? "out" : "in", callType, Long.toString(startedAt),
                answeredAt.map(String::valueOf).orElse(""), Long.toString(endedAt), outcome, reason);
    }

    /** Reads {@link #encode}'s form back; empty for a malformed one. */
    static Optional<HistoryEntry> decode(String stored) {
        List<String> f = List.of(stored.split("\\|", -1));
        if (f.size() != 9) {
            return Optional.empty();
        }
        try {
            return Optional.of(new HistoryEntry(f.get(0), f.get(1), "out".equals(f.get(2)), f.get(3),
                    Long.parseLong(f.get(4)), f.get(5).isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(f.get(5))),
                    Long.parseLong(f.get(6)), f.get(7), f.get(8)));
        } catch (NumberFormatException malformed) {
            return Optional.empty();
        }
    }
}
