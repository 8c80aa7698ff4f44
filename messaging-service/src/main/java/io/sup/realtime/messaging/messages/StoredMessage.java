package io.sup.realtime.messaging.messages;

import java.time.Instant;

/**
 * A message as stored in its chat's log.
 *
 * @param chatId         the chat
 * @param seq            per-chat sequence number, from 1, no gaps among stored messages
 * @param senderId       the sending user
 * @param senderDeviceId the sending device
 * @param type           text, image, video, audio, file or system
 * @param content        the content, as sent
 * @param tempId         the sender's optimistic id, or empty
 * @param createdAt      when the server stored it (millisecond precision)
 */
public record StoredMessage(String chatId, long seq, String senderId, String senderDeviceId, String type,
                            String content, String tempId, Instant createdAt) {
    /** The message id clients see: the decimal sequence number, unique within the chat. */
    public String id() {
        return Long.toString(seq);
    }
}
