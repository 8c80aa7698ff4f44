package io.sup.realtime.messaging.messages;

import java.util.Collection;
import java.util.List;

/**
 * Where the messaging domain announces what happened, for delivery to users' connections.
 * Implemented over the delivery bus; the domain never sees the transport.
 */
public interface MessageEvents {
    /**
     * A new message was stored: deliver it to {@code recipientIds}' connections, except the
     * connection that sent it (which gets the ack).
     *
     * @return the recipients that had no live connection (they did not get it live), found by
     *     the delivery's own route lookup
     */
    List<String> messageStored(StoredMessage message, Collection<String> recipientIds, String senderConnectionId);
}
