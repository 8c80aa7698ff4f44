package io.sup.realtime.messaging.messages;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A message as stored in its chat's log.
 *
 * @param chatId         the chat
 * @param seq            per-chat sequence number, from 1, no gaps among stored messages
 * @param senderId       the sending user
 * @param senderDeviceId the sending device
 * @param type           text, image, video, audio, file or system
 * @param content        the content, as sent (empty when encrypted)
 * @param tempId         the sender's optimistic id, or empty
 * @param createdAt      when the server stored it (millisecond precision)
 * @param encrypted      an end-to-end encrypted payload instead of content, or null
 * @param replyTo        the id of the message (same chat) it replies to, or empty
 * @param forwardedFrom  where it was forwarded from, or null
 * @param mentions       the members it mentions, sorted, each once, never the sender (see
 *                       {@link Mentions}; members are decided when it is stored)
 */
public record StoredMessage(String chatId, long seq, String senderId, String senderDeviceId, String type,
                            String content, String tempId, Instant createdAt, Encrypted encrypted, String replyTo,
                            ForwardedFrom forwardedFrom, List<String> mentions) {
    /** Defensive copy of the mentions. */
    public StoredMessage {
        mentions = List.copyOf(mentions);
    }

    /** A plain message: no encryption, reply, forward or mentions. */
    public StoredMessage(String chatId, long seq, String senderId, String senderDeviceId, String type, String content,
                         String tempId, Instant createdAt) {
        this(chatId, seq, senderId, senderDeviceId, type, content, tempId, createdAt, null, "", null, List.of());
    }

    /** The message id clients see: the decimal sequence number, unique within the chat. */
    public String id() {
        return Long.toString(seq);
    }

    /**
     * An opaque end-to-end encrypted payload, stored and delivered untouched.
     *
     * @param ciphertext the ciphertext as text
     * @param metadata   what recipients need to decrypt it
     */
    public record Encrypted(String ciphertext, Map<String, String> metadata) {
    }

    /**
     * The origin of a forwarded message.
     *
     * @param chatId    the chat it came from
     * @param messageId its id there
     * @param senderId  who sent it there
     */
    public record ForwardedFrom(String chatId, String messageId, String senderId) {
    }
}
