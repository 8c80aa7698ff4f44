package io.sup.realtime.messaging.messages;

import java.util.List;

/**
 * What a sender asks to send ({@code message:new}), before validation.
 *
 * @param type              one of {@link MessageService#TYPES}; empty means text
 * @param content           plain content, or empty when encrypted or forwarded
 * @param tempId            the sender's optimistic id, or empty
 * @param encrypted         an encrypted payload instead of content, or null
 * @param replyTo           the id of a message of the same chat, or empty
 * @param forwardChatId     with {@code forwardMessageId}: the message to forward, or empty
 * @param forwardMessageId  its id
 * @param mentions          user ids the sender mentions explicitly (at most 50; non-members are
 *                          dropped later), in addition to the {@code @<userId>} in plain content
 */
public record Draft(String type, String content, String tempId, StoredMessage.Encrypted encrypted, String replyTo,
                    String forwardChatId, String forwardMessageId, List<String> mentions) {
    /** Defensive copy of the explicit mentions. */
    public Draft {
        mentions = List.copyOf(mentions);
    }

    /** A draft without explicit mentions. */
    public Draft(String type, String content, String tempId, StoredMessage.Encrypted encrypted, String replyTo,
                 String forwardChatId, String forwardMessageId) {
        this(type, content, tempId, encrypted, replyTo, forwardChatId, forwardMessageId, List.of());
    }

    /** Plain content, no reply, forward or explicit mentions. */
    public static Draft plain(String type, String content, String tempId) {
        return new Draft(type, content, tempId, null, "", "", "");
    }
}
