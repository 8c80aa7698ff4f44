package io.sup.realtime.messaging.messages;

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
 */
public record Draft(String type, String content, String tempId, StoredMessage.Encrypted encrypted, String replyTo,
                    String forwardChatId, String forwardMessageId) {
    /** Plain content, no reply or forward. */
    public static Draft plain(String type, String content, String tempId) {
        return new Draft(type, content, tempId, null, "", "", "");
    }
}
