package io.sup.realtime.presence.status;

import java.time.Instant;
import java.util.Optional;

/**
 * What others see of a user.
 *
 * @param userId       the user
 * @param status       the status shown
 * @param lastSeen     for a connected user (online, away, busy) the time of this answer; for an
 *                     offline one, when the last connection ended or the user chose to appear
 *                     offline; empty when never seen
 * @param customStatus the custom status, empty when none
 */
public record Presence(String userId, Status status, Optional<Instant> lastSeen, Optional<String> customStatus) {
    /**
     * What others see of a user whose stored state is {@code shown}, {@code lastSeenMs} and
     * {@code custom}: a connected user is seen now.
     */
    public static Presence of(String userId, Status shown, Optional<Long> lastSeenMs, Optional<String> custom, long nowMs) {
        Optional<Instant> lastSeen = shown == Status.OFFLINE ? lastSeenMs.map(Instant::ofEpochMilli)
                : Optional.of(Instant.ofEpochMilli(nowMs));
        return new Presence(userId, shown, lastSeen, custom);
    }

    /** A user with nothing stored: offline, never seen. */
    public static Presence unknown(String userId) {
        return new Presence(userId, Status.OFFLINE, Optional.empty(), Optional.empty());
    }
}
