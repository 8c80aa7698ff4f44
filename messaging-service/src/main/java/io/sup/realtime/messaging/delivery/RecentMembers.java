package io.sup.realtime.messaging.delivery;

import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The members each recently messaged chat had at its last message here: the guess of whom the
 * chat's next message goes to, whose routes are then looked up ahead ({@link BusMessageEvents}).
 * A guess is never trusted: the append script answers the members, and only they get the
 * message.
 *
 * <p>Bounded by the ids it holds, {@code maxIds} in all (the chats messaged least recently are
 * forgotten first), and it holds only chats of at most {@code maxMembers}: a larger chat's
 * guess would cost a refused send (rate limit, non-member, repeated tempId) that many reads
 * for nothing. Thread-safe.
 */
final class RecentMembers {
    private final int maxIds;
    private final int maxMembers;
    /** Least recently used first. */
    private final LinkedHashMap<String, List<String>> byChat = new LinkedHashMap<>(16, 0.75f, true);
    private int ids;

    /**
     * @param maxIds     most member ids held, all chats together
     * @param maxMembers largest chat remembered, in members
     */
    RecentMembers(int maxIds, int maxMembers) {
        this.maxIds = maxIds;
        this.maxMembers = maxMembers;
    }

    /** The members {@code chatId} had at its last message here; empty when not remembered. */
    synchronized List<String> of(String chatId) {
        return byChat.getOrDefault(chatId, List.of());
    }

    /** Remembers {@code memberIds} as {@code chatId}'s members (forgets the chat when it has more than the bound). */
    synchronized void saw(String chatId, Collection<String> memberIds) {
        List<String> before = byChat.get(chatId); // also marks the chat most recently used
        if (memberIds.equals(before)) {
            return; // the common case: members unchanged, nothing copied
        }
        List<String> members = memberIds.size() <= maxMembers ? List.copyOf(memberIds) : null;
        if (members == null) {
            byChat.remove(chatId);
        } else {
            byChat.put(chatId, members);
        }
        ids += (members == null ? 0 : members.size()) - (before == null ? 0 : before.size());
        for (Iterator<List<String>> eldest = byChat.values().iterator(); ids > maxIds; ) {
            ids -= eldest.next().size();
            eldest.remove();
        }
    }

    /** How many member ids it holds now. */
    synchronized int size() {
        return ids;
    }

    /** How many chats it remembers now. */
    synchronized int chats() {
        return byChat.size();
    }
}
