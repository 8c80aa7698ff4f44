package io.sup.realtime.messaging.chats;

import java.time.Instant;
import java.util.List;

/**
 * Where membership changes that users are to be told of go (the notification outbox, in
 * production). It must never fail the change: notifications are written on the side.
 */
public interface ChatNotifications {
    /** {@code addedIds} (not empty) became members of {@code chatId} at {@code at}. */
    void membersAdded(String chatId, List<String> addedIds, Instant at);
}
