package io.sup.realtime.messaging.chats;

import java.time.Instant;
import java.util.SortedSet;

/**
 * A chat and its members.
 *
 * @param id        the chat id ({@code Ids} rules, at most 64 characters)
 * @param title     display title, possibly empty
 * @param memberIds member user ids, sorted
 * @param createdAt creation time
 */
public record Chat(String id, String title, SortedSet<String> memberIds, Instant createdAt) {
}
