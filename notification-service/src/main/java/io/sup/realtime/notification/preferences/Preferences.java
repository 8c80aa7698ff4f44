package io.sup.realtime.notification.preferences;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A user's notification preferences.
 *
 * @param mutedChats   chat id -> muted until (absent: until unmuted), only mutes still in force
 * @param doNotDisturb the do-not-disturb window, if set
 */
public record Preferences(SortedMap<String, Optional<Instant>> mutedChats, Optional<DoNotDisturb> doNotDisturb) {
    public Preferences {
        mutedChats = new TreeMap<>(mutedChats);
    }

    /** None: nothing muted, no do-not-disturb. */
    public static Preferences none() {
        return new Preferences(new TreeMap<>(), Optional.empty());
    }

    /** Whether {@code chatId} is muted at {@code at}. */
    public boolean isMuted(String chatId, Instant at) {
        Optional<Instant> until = mutedChats.get(chatId);
        return until != null && until.map(at::isBefore).orElse(true);
    }

    /** Whether {@code at} falls in the do-not-disturb window. */
    public boolean inDoNotDisturb(Instant at) {
        return doNotDisturb.map(d -> d.covers(at)).orElse(false);
    }

    /** The muted chats as an unmodifiable view. */
    public Map<String, Optional<Instant>> mutes() {
        return java.util.Collections.unmodifiableSortedMap(mutedChats);
    }
}
