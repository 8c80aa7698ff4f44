package io.sup.realtime.messaging;

import io.sup.realtime.messaging.chats.ChatNotifications;
import io.sup.realtime.messaging.messages.MessageNotifications;

/**
 * Notification ports that drop what they are handed, for tests of other things (the outbox
 * has tests of its own, against the running service).
 */
public final class DroppedNotifications {
    /** Drops added members. */
    public static final ChatNotifications CHATS = (chatId, addedIds, at) -> { };
    /** Drops stored messages. */
    public static final MessageNotifications MESSAGES = (message, memberIds, offlineIds, repliedToSenderId) -> { };

    private DroppedNotifications() {
    }
}
