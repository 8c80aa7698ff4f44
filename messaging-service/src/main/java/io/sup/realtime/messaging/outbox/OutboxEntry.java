package io.sup.realtime.messaging.outbox;

import java.time.Instant;
import java.util.List;

/**
 * One record of the notification outbox ({@link io.sup.realtime.messaging.MessagingKeys#outbox}):
 * a fact that notification-service turns into notifications, read in the order it happened
 * ({@code ChatAdminService.ListNotificationOutbox}).
 */
public sealed interface OutboxEntry {
    /** The record's stream id ({@code <ms>-<seq>}), the cursor to read on from; empty before it is written. */
    String id();

    /** The chat it happened in. */
    String chatId();

    /**
     * A stored message that someone is to be told of: it mentions members, replies to another
     * member's message, or reached members with no live connection.
     *
     * @param id              the record's stream id, or empty before it is written
     * @param chatId          the message's chat
     * @param messageId       its id in the chat
     * @param senderId        who sent it
     * @param messageType     text, image, video, audio, file or system
     * @param createdAt       when it was stored (millisecond precision)
     * @param mentionedIds    the members it mentions (the message's mentions), sorted
     * @param replyToSenderId the author of the message it replies to, when a member other than
     *                        the sender; else empty
     * @param offlineIds      members, never the sender, with no live connection when it was
     *                        delivered (all recipients when the delivery failed), sorted
     * @param preview         the first {@value OutboxService#PREVIEW_CODE_POINTS} code points of
     *                        plain content; empty for encrypted content, which the server never reads
     * @param encrypted       whether the content is end-to-end encrypted
     */
    record MessageStored(String id, String chatId, String messageId, String senderId, String messageType,
                         Instant createdAt, List<String> mentionedIds, String replyToSenderId,
                         List<String> offlineIds, String preview, boolean encrypted) implements OutboxEntry {
        /** Defensive copies of the lists. */
        public MessageStored {
            mentionedIds = List.copyOf(mentionedIds);
            offlineIds = List.copyOf(offlineIds);
        }

        /** Whether anyone is to be told: a mention, a reply to another member, or a member offline. */
        boolean concernsAnyone() {
            return !mentionedIds.isEmpty() || !replyToSenderId.isEmpty() || !offlineIds.isEmpty();
        }
    }

    /**
     * Users that became members of a chat through {@code ChatAdminService.AddMembers} (never
     * those already members; a chat's creation writes no record: its members are told by
     * whoever created it).
     *
     * @param id       the record's stream id, or empty before it is written
     * @param chatId   the chat
     * @param addedIds the users added, in the order asked
     * @param addedAt  when they were added (millisecond precision)
     */
    record MembersAdded(String id, String chatId, List<String> addedIds, Instant addedAt) implements OutboxEntry {
        /** Defensive copy of the list. */
        public MembersAdded {
            addedIds = List.copyOf(addedIds);
        }
    }
}
