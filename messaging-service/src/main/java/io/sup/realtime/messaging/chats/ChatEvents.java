package io.sup.realtime.messaging.chats;

import java.util.Collection;

/**
 * Where chat changes are announced, for delivery to members' connections. Implemented over
 * the delivery bus; the domain never sees the transport.
 */
public interface ChatEvents {
    /** The chat's details changed: tell its members ({@code chat:updated}). */
    void chatUpdated(Chat chat);

    /** {@code userId} joined: tell {@code recipientIds} ({@code chat:member-joined}). */
    void memberJoined(String chatId, String userId, Collection<String> recipientIds);

    /** {@code userId} left or was removed: tell {@code recipientIds} ({@code chat:member-left}). */
    void memberLeft(String chatId, String userId, Collection<String> recipientIds);
}
