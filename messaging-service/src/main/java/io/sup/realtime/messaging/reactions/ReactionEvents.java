package io.sup.realtime.messaging.reactions;

import java.util.Collection;

/** Where reaction changes are announced: to the chat's members. */
public interface ReactionEvents {
    /** {@code userId} added ({@code added}) or removed {@code emoji} on a message ({@code reaction:new} / {@code reaction:remove}). */
    void changed(String chatId, String messageId, String emoji, String userId, boolean added,
                 Collection<String> memberIds);
}
