package io.sup.realtime.messaging.messages;

import java.util.Collection;

/**
 * Where a stored message goes so that the members it concerns can be told of it (the
 * notification outbox, in production), after its delivery, with what the delivery learned.
 * It must never fail or hold up the send: notifications are written on the side.
 */
public interface MessageNotifications {
    /**
     * {@code message} was stored and delivered.
     *
     * @param memberIds         the chat's members when it was stored, the sender among them
     * @param offlineIds        the members the delivery found with no live connection
     * @param repliedToSenderId the author of the message it replies to, or empty when it is no reply
     */
    void messageStored(StoredMessage message, Collection<String> memberIds, Collection<String> offlineIds,
                       String repliedToSenderId);
}
