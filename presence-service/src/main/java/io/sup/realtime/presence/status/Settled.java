package io.sup.realtime.presence.status;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * A user's presence after one of {@link PresenceStore}'s scripts ran.
 *
 * @param userId      the user
 * @param changed     whether what others see changed (they are to be told)
 * @param shown       the status others see now
 * @param lastSeenMs  when the user was last seen (ms), empty when never
 * @param custom      the custom status, empty when none
 * @param nextCheckMs when this may change next without a report (a grace period's end, a
 *                    connection's expiry), or -1 when nothing is pending
 * @param expired     connections found expired (their gateway stopped reporting) and removed
 */
record Settled(String userId, boolean changed, Status shown, Optional<Long> lastSeenMs, Optional<String> custom,
               long nextCheckMs, List<String> expired) {
    /** What others see now. */
    Presence presence(long nowMs) {
        return Presence.of(userId, shown, lastSeenMs, custom, nowMs);
    }

    /** Reads settle()'s answer ({@code lua/presence.lua}). */
    static Settled from(String userId, List<?> reply) {
        String lastSeen = text(reply.get(2));
        String custom = text(reply.get(3));
        List<String> expired = reply.subList(5, reply.size()).stream().map(Settled::text).toList();
        return new Settled(userId, (Long) reply.get(0) == 1L, Status.fromWire(text(reply.get(1))).orElseThrow(),
                lastSeen.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lastSeen)),
                custom.isEmpty() ? Optional.empty() : Optional.of(custom), (Long) reply.get(4), expired);
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(value);
    }
}
